using System.Runtime.InteropServices;

namespace SharedFs.Fuse.Native;

/// <summary>
/// struct fuse_lowlevel_ops for 3.14: 44 function pointers in header order (init … lseek), 352 bytes. Every
/// callback gets the request (fuse_req_t) and answers it exactly once with a fuse_reply_* call, possibly later
/// and from another thread. Unused slots stay null so libfuse answers ENOSYS for them itself.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseLowLevelOperations
{
    public const int MemberCount = 44;

    public delegate* unmanaged[Cdecl]<void*, FuseConnInfo*, void> Init;
    public delegate* unmanaged[Cdecl]<void*, void> Destroy;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, byte*, void> Lookup;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, ulong, void> Forget;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, NativeFileInfo*, void> GetAttr;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, NativeStat*, int, NativeFileInfo*, void> SetAttr;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, void> ReadLink;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, byte*, uint, ulong, void> MkNod;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, byte*, uint, void> MkDir;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, byte*, void> Unlink;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, byte*, void> RmDir;
    public delegate* unmanaged[Cdecl]<IntPtr, byte*, ulong, byte*, void> Symlink;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, byte*, ulong, byte*, uint, void> Rename;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, ulong, byte*, void> Link;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, NativeFileInfo*, void> Open;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, nuint, long, NativeFileInfo*, void> Read;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, byte*, nuint, long, NativeFileInfo*, void> Write;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, NativeFileInfo*, void> Flush;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, NativeFileInfo*, void> Release;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, int, NativeFileInfo*, void> FSync;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, NativeFileInfo*, void> OpenDir;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, nuint, long, NativeFileInfo*, void> ReadDir;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, NativeFileInfo*, void> ReleaseDir;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, int, NativeFileInfo*, void> FSyncDir;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, void> StatFs;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, byte*, byte*, nuint, int, void> SetXAttr;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, byte*, nuint, void> GetXAttr;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, nuint, void> ListXAttr;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, byte*, void> RemoveXAttr;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, int, void> Access;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, byte*, uint, NativeFileInfo*, void> Create;
    public IntPtr GetLk;
    public IntPtr SetLk;
    public IntPtr BMap;
    public IntPtr IoCtl;
    public IntPtr Poll;
    public IntPtr WriteBuf;
    public IntPtr RetrieveReply;
    public delegate* unmanaged[Cdecl]<IntPtr, nuint, NativeForget*, void> ForgetMulti;
    public IntPtr FLock;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, int, long, long, NativeFileInfo*, void> FAllocate;
    public delegate* unmanaged[Cdecl]<IntPtr, ulong, nuint, long, NativeFileInfo*, void> ReadDirPlus;
    public IntPtr CopyFileRange;
    public IntPtr LSeek;
}
