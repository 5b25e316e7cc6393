using System.Runtime.InteropServices;

namespace SharedFs.Fuse.Native;

/// <summary>The few libc calls the binding needs beyond libfuse (unmount policy, preflight checks).</summary>
internal static partial class LibC
{
    public const int MNT_DETACH = 2;
    public const int EINVAL = 22, EBUSY = 16, ENOENT = 2, ENOTDIR = 20, ENOTCONN = 107, EPERM = 1;

    static LibC() => NativeLibraryResolver.EnsureRegistered();

    [LibraryImport(NativeLibraryResolver.CLibrary, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Umount2(string target, int flags);

    [LibraryImport(NativeLibraryResolver.CLibrary, EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int Stat(string path, NativeStat* stat);

    [LibraryImport(NativeLibraryResolver.CLibrary, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    /// <summary>
    /// errno of stat(path), 0 when it succeeds. A stat (not access) is needed: only a getattr reaches a
    /// dead FUSE connection and reports ENOTCONN for its root.
    /// </summary>
    public static unsafe int ProbeErrno(string path)
    {
        NativeStat stat;
        return Stat(path, &stat) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
