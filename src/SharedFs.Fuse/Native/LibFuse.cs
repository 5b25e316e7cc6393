using System.Runtime.InteropServices;

namespace SharedFs.Fuse.Native;

/// <summary>
/// libfuse3 low-level entry points: the session, its multi-threaded loop, the replies and the kernel
/// notifications. fuse_session_loop_mt is named by its 3.12 symbol (fuse_session_loop_mt_312), whose config is
/// the opaque one made by fuse_loop_cfg_create. Replies take positive errno values.
/// </summary>
internal static unsafe partial class LibFuse
{
    static LibFuse() => NativeLibraryResolver.EnsureRegistered();

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_session_new")]
    public static partial IntPtr SessionNew(FuseArgs* args, FuseLowLevelOperations* ops, nuint opSize, void* userData);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_session_mount", SetLastError = true)]
    public static partial int SessionMount(IntPtr session, byte* mountPoint);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_session_loop_mt_312")]
    public static partial int SessionLoopMultiThreaded(IntPtr session, IntPtr loopConfig);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_session_unmount")]
    public static partial void SessionUnmount(IntPtr session);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_session_destroy")]
    public static partial void SessionDestroy(IntPtr session);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_loop_cfg_create")]
    public static partial IntPtr LoopConfigCreate();

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_loop_cfg_destroy")]
    public static partial void LoopConfigDestroy(IntPtr config);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_loop_cfg_set_max_threads")]
    public static partial void LoopConfigSetMaxThreads(IntPtr config, uint value);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_loop_cfg_set_idle_threads")]
    public static partial void LoopConfigSetIdleThreads(IntPtr config, uint value);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_req_ctx")]
    public static partial NativeRequestContext* RequestContext(IntPtr request);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_req_userdata")]
    public static partial void* RequestUserData(IntPtr request);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_reply_err")]
    public static partial int ReplyError(IntPtr request, int errno);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_reply_none")]
    public static partial void ReplyNone(IntPtr request);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_reply_entry")]
    public static partial int ReplyEntry(IntPtr request, NativeEntryParam* entry);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_reply_create")]
    public static partial int ReplyCreate(IntPtr request, NativeEntryParam* entry, NativeFileInfo* info);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_reply_attr")]
    public static partial int ReplyAttributes(IntPtr request, NativeStat* attributes, double timeout);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_reply_readlink")]
    public static partial int ReplyReadLink(IntPtr request, byte* target);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_reply_open")]
    public static partial int ReplyOpen(IntPtr request, NativeFileInfo* info);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_reply_write")]
    public static partial int ReplyWrite(IntPtr request, nuint count);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_reply_buf")]
    public static partial int ReplyBuffer(IntPtr request, byte* buffer, nuint size);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_reply_statfs")]
    public static partial int ReplyStatFs(IntPtr request, NativeStatVfs* stats);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_reply_xattr")]
    public static partial int ReplyXAttrSize(IntPtr request, nuint size);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_add_direntry")]
    public static partial nuint AddDirectoryEntry(IntPtr request, byte* buffer, nuint size, byte* name, NativeStat* stat, long nextOffset);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_add_direntry_plus")]
    public static partial nuint AddDirectoryEntryPlus(IntPtr request, byte* buffer, nuint size, byte* name, NativeEntryParam* entry, long nextOffset);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_lowlevel_notify_inval_inode")]
    public static partial int NotifyInvalidateInode(IntPtr session, ulong ino, long offset, long length);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_lowlevel_notify_inval_entry")]
    public static partial int NotifyInvalidateEntry(IntPtr session, ulong parent, byte* name, nuint nameLength);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_opt_add_arg")]
    public static partial int OptAddArg(FuseArgs* args, byte* arg);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_opt_free_args")]
    public static partial void OptFreeArgs(FuseArgs* args);
}
