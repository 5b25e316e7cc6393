using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>
/// The native fuse_lowlevel_ops table: one [UnmanagedCallersOnly] entry point per operation. Each finds the
/// mount's filesystem through the request's user data, converts the arguments, starts the call and leaves the
/// answer to <see cref="Replies"/>. No exception may cross into libfuse (it would kill the process).
/// The entry points are split by kind in the partial files beside this one.
/// </summary>
internal static unsafe partial class FuseCallbacks
{
    private static readonly FuseLowLevelOperations* Table = Build();

    public static FuseLowLevelOperations* Pointer => Table;

    private static FuseLowLevelOperations* Build()
    {
        // Allocated once and never freed: libfuse copies the table, but a stable address costs nothing.
        var ops = (FuseLowLevelOperations*)NativeMemory.AllocZeroed((nuint)sizeof(FuseLowLevelOperations));
        ops->Init = &Init;
        ops->Destroy = &Destroy;
        ops->Lookup = &Lookup;
        ops->Forget = &Forget;
        ops->ForgetMulti = &ForgetMulti;
        ops->GetAttr = &GetAttr;
        ops->SetAttr = &SetAttr;
        ops->ReadLink = &ReadLink;
        ops->MkNod = &MkNod;
        ops->MkDir = &MkDir;
        ops->Unlink = &Unlink;
        ops->RmDir = &RmDir;
        ops->Symlink = &Symlink;
        ops->Rename = &Rename;
        ops->Link = &Link;
        ops->Open = &Open;
        ops->Create = &Create;
        ops->Read = &Read;
        ops->Write = &Write;
        ops->Flush = &Flush;
        ops->Release = &Release;
        ops->FSync = &FSync;
        ops->FAllocate = &FAllocate;
        ops->OpenDir = &OpenDir;
        ops->ReadDir = &ReadDir;
        ops->ReadDirPlus = &ReadDirPlus;
        ops->ReleaseDir = &ReleaseDir;
        ops->FSyncDir = &FSyncDir;
        ops->StatFs = &StatFs;
        ops->SetXAttr = &SetXAttr;
        ops->GetXAttr = &GetXAttr;
        ops->ListXAttr = &ListXAttr;
        ops->RemoveXAttr = &RemoveXAttr;
        return ops;
    }

    private static FuseFileSystem FileSystemOf(IntPtr request) => MountSession.FromPointer((IntPtr)LibFuse.RequestUserData(request)).FileSystem;

    private static FuseContext ContextOf(IntPtr request)
    {
        NativeRequestContext* context = LibFuse.RequestContext(request);
        return new FuseContext(context->Uid, context->Gid, context->Pid, context->Umask);
    }

    private static string Text(byte* utf8) => NativeConversions.DecodeUtf8(utf8);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Init(void* userData, FuseConnInfo* connection)
    {
        var session = MountSession.FromPointer((IntPtr)userData);
        try
        {
            ConnectionSetup.Apply(session.Options, connection);
            session.FileSystem.Initialized();
            session.Initialized.TrySetResult();
        }
        catch (Exception e)
        {
            CallbackFailures.Report("init", e);
            session.Initialized.TrySetException(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Destroy(void* userData)
    {
        try
        {
            MountSession.FromPointer((IntPtr)userData).FileSystem.Destroyed();
        }
        catch (Exception e)
        {
            CallbackFailures.Report("destroy", e);
        }
    }
}
