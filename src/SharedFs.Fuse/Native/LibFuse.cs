using System.Runtime.InteropServices;

namespace SharedFs.Fuse.Native;

/// <summary>
/// libfuse3 high-level entry points. Versioned symbols are named explicitly (fuse_new_31, fuse_loop_mt_312)
/// so the 3.1/3.12 ABI is used whatever the default symbol version of the loaded library is.
/// </summary>
internal static unsafe partial class LibFuse
{
    public const int FillDirPlus = 1 << 1;   // enum fuse_fill_dir_flags FUSE_FILL_DIR_PLUS
    public const int ReadDirPlus = 1 << 0;   // enum fuse_readdir_flags FUSE_READDIR_PLUS

    static LibFuse() => NativeLibraryResolver.EnsureRegistered();

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_new_31")]
    public static partial IntPtr New(FuseArgs* args, FuseOperations* ops, nuint opSize, void* userData);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_mount", SetLastError = true)]
    public static partial int Mount(IntPtr fuse, byte* mountPoint);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_unmount")]
    public static partial void Unmount(IntPtr fuse);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_destroy")]
    public static partial void Destroy(IntPtr fuse);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_loop_mt_312")]
    public static partial int LoopMultiThreaded(IntPtr fuse, IntPtr loopConfig);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_loop_cfg_create")]
    public static partial IntPtr LoopConfigCreate();

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_loop_cfg_destroy")]
    public static partial void LoopConfigDestroy(IntPtr config);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_loop_cfg_set_max_threads")]
    public static partial void LoopConfigSetMaxThreads(IntPtr config, uint value);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_loop_cfg_set_idle_threads")]
    public static partial void LoopConfigSetIdleThreads(IntPtr config, uint value);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_get_context")]
    public static partial FuseContext* GetContext();

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_invalidate_path")]
    public static partial int InvalidatePath(IntPtr fuse, byte* path);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_opt_add_arg")]
    public static partial int OptAddArg(FuseArgs* args, byte* arg);

    [LibraryImport(NativeLibraryResolver.FuseLibrary, EntryPoint = "fuse_opt_free_args")]
    public static partial void OptFreeArgs(FuseArgs* args);
}
