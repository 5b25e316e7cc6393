using System.Runtime.InteropServices;

namespace SharedFs.Fuse.Native;

// Managed mirrors of the C structs the binding reads or writes, for x86_64 Linux, glibc, libfuse 3.14
// (FUSE_USE_VERSION 312, _FILE_OFFSET_BITS=64). Offsets are explicit where padding matters; the layout
// tests compile a C probe against the real headers and compare every offset used here.

[StructLayout(LayoutKind.Sequential)]
internal struct NativeTimeSpec
{
    public long Seconds;
    public long Nanoseconds;
}

/// <summary>struct stat (144 bytes): st_nlink precedes st_mode on x86_64.</summary>
[StructLayout(LayoutKind.Explicit, Size = 144)]
internal struct NativeStat
{
    [FieldOffset(0)] public ulong Dev;
    [FieldOffset(8)] public ulong Ino;
    [FieldOffset(16)] public ulong NLink;
    [FieldOffset(24)] public uint Mode;
    [FieldOffset(28)] public uint Uid;
    [FieldOffset(32)] public uint Gid;
    [FieldOffset(40)] public ulong RDev;
    [FieldOffset(48)] public long Size;
    [FieldOffset(56)] public long BlockSize;
    [FieldOffset(64)] public long Blocks;
    [FieldOffset(72)] public NativeTimeSpec ATime;
    [FieldOffset(88)] public NativeTimeSpec MTime;
    [FieldOffset(104)] public NativeTimeSpec CTime;
}

/// <summary>struct statvfs (112 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 112)]
internal struct NativeStatVfs
{
    [FieldOffset(0)] public ulong BlockSize;
    [FieldOffset(8)] public ulong FragmentSize;
    [FieldOffset(16)] public ulong Blocks;
    [FieldOffset(24)] public ulong BlocksFree;
    [FieldOffset(32)] public ulong BlocksAvailable;
    [FieldOffset(40)] public ulong Files;
    [FieldOffset(48)] public ulong FilesFree;
    [FieldOffset(56)] public ulong FilesAvailable;
    [FieldOffset(64)] public ulong FsId;
    [FieldOffset(72)] public ulong Flags;
    [FieldOffset(80)] public ulong NameMax;
}

/// <summary>struct fuse_file_info (40 bytes); the C bitfields live in one 32-bit word at offset 4.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct NativeFileInfo
{
    public const uint DirectIoBit = 1u << 1, KeepCacheBit = 1u << 2;

    [FieldOffset(0)] public int Flags;
    [FieldOffset(4)] public uint Bits;
    [FieldOffset(16)] public ulong Fh;
    [FieldOffset(24)] public ulong LockOwner;
    [FieldOffset(32)] public uint PollEvents;
}

/// <summary>struct fuse_config (3.14): written by the init callback.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseConfig
{
    public int SetGid;
    public uint Gid;
    public int SetUid;
    public uint Uid;
    public int SetMode;
    public uint Umask;
    public double EntryTimeout;
    public double NegativeTimeout;
    public double AttrTimeout;
    public int Intr;
    public int IntrSignal;
    public int Remember;
    public int HardRemove;
    public int UseIno;
    public int ReaddirIno;
    public int DirectIo;
    public int KernelCache;
    public int AutoCache;
    public int NoRofdFlush;
    public int AcAttrTimeoutSet;
    public double AcAttrTimeout;
    public int NullPathOk;
    public int ShowHelp;
    public IntPtr Modules;
    public int Debug;
}

/// <summary>struct fuse_conn_info (3.14, 128 bytes): negotiated in the init callback.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseConnInfo
{
    public const uint CapAsyncRead = 1u << 0, CapReaddirPlus = 1u << 13, CapReaddirPlusAuto = 1u << 14;

    public uint ProtoMajor;
    public uint ProtoMinor;
    public uint MaxWrite;
    public uint MaxRead;
    public uint MaxReadahead;
    public uint Capable;
    public uint Want;
    public uint MaxBackground;
    public uint CongestionThreshold;
    public uint TimeGran;
    public fixed uint Reserved[22];
}

/// <summary>struct fuse_context: who issued the request being served on this thread.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseContext
{
    public IntPtr Fuse;
    public uint Uid;
    public uint Gid;
    public int Pid;
    public IntPtr PrivateData;
    public uint Umask;
}

/// <summary>struct fuse_args: argv handed to fuse_new (strings owned by libfuse via fuse_opt_add_arg).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseArgs
{
    public int Argc;
    public IntPtr Argv;
    public int Allocated;
}

/// <summary>
/// struct fuse_operations for 3.14: 42 function pointers in header order (getattr … lseek).
/// Unused slots stay null so libfuse answers ENOSYS for them itself.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseOperations
{
    public const int MemberCount = 42;

    public delegate* unmanaged[Cdecl]<byte*, NativeStat*, NativeFileInfo*, int> GetAttr;
    public delegate* unmanaged[Cdecl]<byte*, byte*, nuint, int> ReadLink;
    public IntPtr MkNod;
    public delegate* unmanaged[Cdecl]<byte*, uint, int> MkDir;
    public delegate* unmanaged[Cdecl]<byte*, int> Unlink;
    public delegate* unmanaged[Cdecl]<byte*, int> RmDir;
    public delegate* unmanaged[Cdecl]<byte*, byte*, int> Symlink;
    public delegate* unmanaged[Cdecl]<byte*, byte*, uint, int> Rename;
    public delegate* unmanaged[Cdecl]<byte*, byte*, int> Link;
    public delegate* unmanaged[Cdecl]<byte*, uint, NativeFileInfo*, int> Chmod;
    public delegate* unmanaged[Cdecl]<byte*, uint, uint, NativeFileInfo*, int> Chown;
    public delegate* unmanaged[Cdecl]<byte*, long, NativeFileInfo*, int> Truncate;
    public delegate* unmanaged[Cdecl]<byte*, NativeFileInfo*, int> Open;
    public delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, NativeFileInfo*, int> Read;
    public delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, NativeFileInfo*, int> Write;
    public delegate* unmanaged[Cdecl]<byte*, NativeStatVfs*, int> StatFs;
    public delegate* unmanaged[Cdecl]<byte*, NativeFileInfo*, int> Flush;
    public delegate* unmanaged[Cdecl]<byte*, NativeFileInfo*, int> Release;
    public delegate* unmanaged[Cdecl]<byte*, int, NativeFileInfo*, int> FSync;
    public delegate* unmanaged[Cdecl]<byte*, byte*, byte*, nuint, int, int> SetXAttr;
    public delegate* unmanaged[Cdecl]<byte*, byte*, byte*, nuint, int> GetXAttr;
    public delegate* unmanaged[Cdecl]<byte*, byte*, nuint, int> ListXAttr;
    public delegate* unmanaged[Cdecl]<byte*, byte*, int> RemoveXAttr;
    public delegate* unmanaged[Cdecl]<byte*, NativeFileInfo*, int> OpenDir;
    public delegate* unmanaged[Cdecl]<byte*, void*, delegate* unmanaged[Cdecl]<void*, byte*, NativeStat*, long, int, int>, long, NativeFileInfo*, int, int> ReadDir;
    public delegate* unmanaged[Cdecl]<byte*, NativeFileInfo*, int> ReleaseDir;
    public delegate* unmanaged[Cdecl]<byte*, int, NativeFileInfo*, int> FSyncDir;
    public delegate* unmanaged[Cdecl]<FuseConnInfo*, FuseConfig*, void*> Init;
    public delegate* unmanaged[Cdecl]<void*, void> Destroy;
    public delegate* unmanaged[Cdecl]<byte*, int, int> Access;
    public delegate* unmanaged[Cdecl]<byte*, uint, NativeFileInfo*, int> Create;
    public IntPtr Lock;
    public delegate* unmanaged[Cdecl]<byte*, NativeTimeSpec*, NativeFileInfo*, int> Utimens;
    public IntPtr Bmap;
    public IntPtr Ioctl;
    public IntPtr Poll;
    public IntPtr WriteBuf;
    public IntPtr ReadBuf;
    public IntPtr Flock;
    public delegate* unmanaged[Cdecl]<byte*, int, long, long, NativeFileInfo*, int> FAllocate;
    public IntPtr CopyFileRange;
    public IntPtr LSeek;
}
