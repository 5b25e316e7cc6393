using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharedFs.Fuse.Native;
using static SharedFs.Fuse.Native.NativeConversions;

namespace SharedFs.Fuse;

/// <summary>
/// The native fuse_operations table: one [UnmanagedCallersOnly] entry point per operation, each finding the
/// mount's managed filesystem through the fuse context, converting arguments without copying data buffers,
/// and turning any exception into -EIO (an exception crossing into libfuse would kill the process).
/// </summary>
internal static unsafe class FuseOperationsTable
{
    private static readonly FuseOperations* Table = Build();

    public static FuseOperations* Pointer => Table;

    private static FuseFileSystem Fs => MountSession.Current.FileSystem;

    private static FuseOperations* Build()
    {
        // Allocated once and never freed: libfuse copies the table, but a stable address costs nothing.
        var ops = (FuseOperations*)NativeMemory.AllocZeroed((nuint)sizeof(FuseOperations));
        ops->GetAttr = &GetAttr;
        ops->ReadLink = &ReadLink;
        ops->MkDir = &MkDir;
        ops->Unlink = &Unlink;
        ops->RmDir = &RmDir;
        ops->Symlink = &Symlink;
        ops->Rename = &Rename;
        ops->Link = &Link;
        ops->Chmod = &Chmod;
        ops->Chown = &Chown;
        ops->Truncate = &Truncate;
        ops->Open = &Open;
        ops->Read = &Read;
        ops->Write = &Write;
        ops->StatFs = &StatFs;
        ops->Flush = &Flush;
        ops->Release = &Release;
        ops->FSync = &FSync;
        ops->SetXAttr = &SetXAttr;
        ops->GetXAttr = &GetXAttr;
        ops->ListXAttr = &ListXAttr;
        ops->RemoveXAttr = &RemoveXAttr;
        ops->OpenDir = &OpenDir;
        ops->ReadDir = &ReadDir;
        ops->ReleaseDir = &ReleaseDir;
        ops->FSyncDir = &FSyncDir;
        ops->Init = &Init;
        ops->Destroy = &Destroy;
        ops->Access = &Access;
        ops->Create = &Create;
        ops->Utimens = &Utimens;
        ops->FAllocate = &FAllocate;
        return ops;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetAttr(byte* path, NativeStat* stat, NativeFileInfo* fi)
    {
        try
        {
            var managed = default(FileStat);
            int result = Fs.GetAttr(DecodeUtf8(path), ref managed, HandleOf(fi));
            if (result == 0) ToNative(managed, stat);
            return result;
        }
        catch (Exception e) { return CallbackFailures.Report("getattr", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ReadLink(byte* path, byte* buffer, nuint size)
    {
        try
        {
            int result = Fs.ReadLink(DecodeUtf8(path), out string target);
            if (result == 0) EncodeTruncated(target, buffer, size);
            return result;
        }
        catch (Exception e) { return CallbackFailures.Report("readlink", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int MkDir(byte* path, uint mode)
    {
        try { return Fs.MakeDirectory(DecodeUtf8(path), mode); }
        catch (Exception e) { return CallbackFailures.Report("mkdir", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Unlink(byte* path)
    {
        try { return Fs.Unlink(DecodeUtf8(path)); }
        catch (Exception e) { return CallbackFailures.Report("unlink", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int RmDir(byte* path)
    {
        try { return Fs.RemoveDirectory(DecodeUtf8(path)); }
        catch (Exception e) { return CallbackFailures.Report("rmdir", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Symlink(byte* target, byte* path)
    {
        try { return Fs.SymbolicLink(DecodeUtf8(target), DecodeUtf8(path)); }
        catch (Exception e) { return CallbackFailures.Report("symlink", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Rename(byte* from, byte* to, uint flags)
    {
        try { return Fs.Rename(DecodeUtf8(from), DecodeUtf8(to), flags); }
        catch (Exception e) { return CallbackFailures.Report("rename", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Link(byte* from, byte* to)
    {
        try { return Fs.Link(DecodeUtf8(from), DecodeUtf8(to)); }
        catch (Exception e) { return CallbackFailures.Report("link", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Chmod(byte* path, uint mode, NativeFileInfo* fi)
    {
        try { return Fs.ChangeMode(DecodeUtf8(path), mode, HandleOf(fi)); }
        catch (Exception e) { return CallbackFailures.Report("chmod", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Chown(byte* path, uint uid, uint gid, NativeFileInfo* fi)
    {
        try { return Fs.ChangeOwner(DecodeUtf8(path), uid, gid, HandleOf(fi)); }
        catch (Exception e) { return CallbackFailures.Report("chown", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Truncate(byte* path, long size, NativeFileInfo* fi)
    {
        try { return Fs.Truncate(DecodeUtf8(path), size, HandleOf(fi)); }
        catch (Exception e) { return CallbackFailures.Report("truncate", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Open(byte* path, NativeFileInfo* fi)
    {
        try
        {
            var open = FromNative(fi);
            int result = Fs.Open(DecodeUtf8(path), ref open);
            if (result == 0) CopyBack(open, fi);
            return result;
        }
        catch (Exception e) { return CallbackFailures.Report("open", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Read(byte* path, byte* buffer, nuint size, long offset, NativeFileInfo* fi)
    {
        try
        {
            var open = FromNative(fi);
            return Fs.Read(DecodeUtf8(path), new Span<byte>(buffer, checked((int)size)), offset, ref open);
        }
        catch (Exception e) { return CallbackFailures.Report("read", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Write(byte* path, byte* data, nuint size, long offset, NativeFileInfo* fi)
    {
        try
        {
            var open = FromNative(fi);
            return Fs.Write(DecodeUtf8(path), new ReadOnlySpan<byte>(data, checked((int)size)), offset, ref open);
        }
        catch (Exception e) { return CallbackFailures.Report("write", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int StatFs(byte* path, NativeStatVfs* stats)
    {
        try
        {
            var managed = default(FileSystemStats);
            int result = Fs.StatFs(DecodeUtf8(path), ref managed);
            if (result == 0) ToNative(managed, stats);
            return result;
        }
        catch (Exception e) { return CallbackFailures.Report("statfs", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Flush(byte* path, NativeFileInfo* fi)
    {
        try
        {
            var open = FromNative(fi);
            return Fs.Flush(DecodeUtf8(path), ref open);
        }
        catch (Exception e) { return CallbackFailures.Report("flush", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Release(byte* path, NativeFileInfo* fi)
    {
        try
        {
            var open = FromNative(fi);
            return Fs.Release(DecodeUtf8(path), ref open);
        }
        catch (Exception e) { return CallbackFailures.Report("release", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FSync(byte* path, int dataOnly, NativeFileInfo* fi)
    {
        try
        {
            var open = FromNative(fi);
            return Fs.FSync(DecodeUtf8(path), dataOnly != 0, ref open);
        }
        catch (Exception e) { return CallbackFailures.Report("fsync", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int SetXAttr(byte* path, byte* name, byte* value, nuint size, int flags)
    {
        try { return Fs.SetXAttr(DecodeUtf8(path), DecodeUtf8(name), new ReadOnlySpan<byte>(value, checked((int)size)), flags); }
        catch (Exception e) { return CallbackFailures.Report("setxattr", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetXAttr(byte* path, byte* name, byte* value, nuint size)
    {
        // size 0 asks for the needed size: the filesystem sees an empty span and answers with the length.
        try { return Fs.GetXAttr(DecodeUtf8(path), DecodeUtf8(name), new Span<byte>(value, checked((int)size))); }
        catch (Exception e) { return CallbackFailures.Report("getxattr", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ListXAttr(byte* path, byte* list, nuint size)
    {
        try { return Fs.ListXAttr(DecodeUtf8(path), new Span<byte>(list, checked((int)size))); }
        catch (Exception e) { return CallbackFailures.Report("listxattr", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int RemoveXAttr(byte* path, byte* name)
    {
        try { return Fs.RemoveXAttr(DecodeUtf8(path), DecodeUtf8(name)); }
        catch (Exception e) { return CallbackFailures.Report("removexattr", e); }
    }

    // Directories get a binding-side fh (see DirectoryListing); the filesystem sees its own handle.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OpenDir(byte* path, NativeFileInfo* fi)
    {
        try
        {
            var open = FromNative(fi);
            int result = Fs.OpenDirectory(DecodeUtf8(path), ref open);
            if (result != 0) return result;
            open.Handle = DirectoryListing.Register(open.Handle);
            CopyBack(open, fi);
            return 0;
        }
        catch (Exception e) { return CallbackFailures.Report("opendir", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ReadDir(byte* path, void* buffer, delegate* unmanaged[Cdecl]<void*, byte*, NativeStat*, long, int, int> filler,
        long offset, NativeFileInfo* fi, int flags)
    {
        try
        {
            var listing = DirectoryListing.Find(fi->Fh);
            if (listing == null) return -Errno.EBADF;
            var fs = Fs;
            string managedPath = DecodeUtf8(path);
            var open = FromNative(fi);
            open.Handle = listing.FileSystemHandle;
            return listing.Fill(filler2 => fs.ReadDirectory(managedPath, filler2, ref open), offset, buffer, filler);
        }
        catch (Exception e) { return CallbackFailures.Report("readdir", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FSyncDir(byte* path, int dataOnly, NativeFileInfo* fi)
    {
        try
        {
            var open = FromNative(fi);
            open.Handle = DirectoryListing.Find(fi->Fh)?.FileSystemHandle ?? 0;
            return Fs.FSyncDirectory(DecodeUtf8(path), dataOnly != 0, ref open);
        }
        catch (Exception e) { return CallbackFailures.Report("fsyncdir", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ReleaseDir(byte* path, NativeFileInfo* fi)
    {
        try
        {
            var listing = DirectoryListing.Remove(fi->Fh);
            var open = FromNative(fi);
            open.Handle = listing?.FileSystemHandle ?? 0;
            return Fs.ReleaseDirectory(DecodeUtf8(path), ref open);
        }
        catch (Exception e) { return CallbackFailures.Report("releasedir", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void* Init(FuseConnInfo* connection, FuseConfig* config)
    {
        FuseContext* context = LibFuse.GetContext();
        MountSession? session = context == null ? null : MountSession.FindByFuse(context->Fuse);
        if (session == null) return context == null ? null : (void*)context->PrivateData;
        try
        {
            ConnectionSetup.Apply(session.Options, connection, config);
            session.Initialized.TrySetResult();
        }
        catch (Exception e)
        {
            CallbackFailures.Report("init", e);
            session.Initialized.TrySetException(e);
        }
        return (void*)session.HandlePointer; // becomes private_data for every later request
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Destroy(void* privateData)
    {
        try
        {
            if (privateData != null) MountSession.FromPointer((IntPtr)privateData).FileSystem.Destroyed();
        }
        catch (Exception e) { CallbackFailures.Report("destroy", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Access(byte* path, int mask)
    {
        try { return Fs.Access(DecodeUtf8(path), mask); }
        catch (Exception e) { return CallbackFailures.Report("access", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Create(byte* path, uint mode, NativeFileInfo* fi)
    {
        try
        {
            var open = FromNative(fi);
            int result = Fs.Create(DecodeUtf8(path), mode, ref open);
            if (result == 0) CopyBack(open, fi);
            return result;
        }
        catch (Exception e) { return CallbackFailures.Report("create", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Utimens(byte* path, NativeTimeSpec* times, NativeFileInfo* fi)
    {
        try
        {
            var now = new TimeSpec(0, TimeSpec.UtimeNow);
            TimeSpec access = times == null ? now : FromNative(times[0]);
            TimeSpec modify = times == null ? now : FromNative(times[1]);
            return Fs.UpdateTimes(DecodeUtf8(path), access, modify, HandleOf(fi));
        }
        catch (Exception e) { return CallbackFailures.Report("utimens", e); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FAllocate(byte* path, int mode, long offset, long length, NativeFileInfo* fi)
    {
        try
        {
            var open = FromNative(fi);
            return Fs.FAllocate(DecodeUtf8(path), mode, offset, length, ref open);
        }
        catch (Exception e) { return CallbackFailures.Report("fallocate", e); }
    }
}
