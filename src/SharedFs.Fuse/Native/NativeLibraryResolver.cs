using System.Reflection;
using System.Runtime.InteropServices;

namespace SharedFs.Fuse.Native;

/// <summary>
/// Maps the logical library names used by the imports to real files. Only the versioned libfuse3.so.3 is
/// on systems without the -dev package, and containers that lack libfuse ship it beside the executable.
/// </summary>
internal static class NativeLibraryResolver
{
    public const string FuseLibrary = "fuse3";
    public const string CLibrary = "libc";
    public const string FuseFileName = "libfuse3.so.3";

    private static int _registered;

    /// <summary>Installs the resolver for this assembly (idempotent; must run before the first native call).</summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
    }

    /// <summary>Loads libfuse now so a missing library becomes a clear error instead of a failed call later.</summary>
    public static bool TryLoadFuse(out string? error)
    {
        EnsureRegistered();
        if (TryLoadFuseHandle(out _))
        {
            error = null;
            return true;
        }
        error = $"{FuseFileName} was found neither on the system library path nor in {AppContext.BaseDirectory} " +
                "(install the fuse3 package or ship the library beside the executable)";
        return false;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name == FuseLibrary)
            return TryLoadFuseHandle(out var handle) ? handle : IntPtr.Zero;
        if (name == CLibrary)
            return NativeLibrary.TryLoad("libc.so.6", out var libc) ? libc : IntPtr.Zero;
        return IntPtr.Zero; // default probing
    }

    private static bool TryLoadFuseHandle(out IntPtr handle) =>
        NativeLibrary.TryLoad(FuseFileName, out handle)
        || NativeLibrary.TryLoad(Path.Combine(AppContext.BaseDirectory, FuseFileName), out handle);
}
