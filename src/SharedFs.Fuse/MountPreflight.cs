using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>
/// Checks done before libfuse is called, so the usual mistakes give a clear FuseMountException instead of
/// a terse libfuse line on stderr.
/// </summary>
internal static class MountPreflight
{
    /// <summary>Returns the normalized absolute mount point.</summary>
    public static string Check(string mountPoint)
    {
        if (!OperatingSystem.IsLinux())
            throw new FuseMountException("FUSE mounts are only supported on Linux");
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPoint);
        string full = MountTable.Normalize(mountPoint);

        if (!File.Exists("/dev/fuse") || !IsCharacterDevice("/dev/fuse"))
            throw new FuseMountException("/dev/fuse is missing (or is not the FUSE character device): load the fuse module, or run the container with --device /dev/fuse");
        uint euid = LibC.GetEffectiveUserId();
        if (euid != 0)
            throw new FuseMountException($"mounting needs root (CAP_SYS_ADMIN) but the effective uid is {euid}");

        int errno = LibC.ProbeErrno(full);
        if (MountTable.IsDead(full, errno))
            throw new FuseMountException($"'{full}' is a dead FUSE mount (Transport endpoint is not connected): " +
                                         "clear it with MountTable.TryClearStaleMount or 'umount -l'");
        if (errno == LibC.ENOENT)
            throw new FuseMountException($"mount point '{full}' does not exist");
        if (errno != 0)
            throw new FuseMountException($"mount point '{full}' is not accessible: {LibC.Describe(errno)}");
        if (!Directory.Exists(full))
            throw new FuseMountException($"mount point '{full}' is not a directory");
        if (MountTable.IsFuseMount(full))
            throw new FuseMountException($"a FUSE filesystem is already mounted at '{full}'");

        if (!NativeLibraryResolver.TryLoadFuse(out string? error))
            throw new FuseMountException(error!);
        return full;
    }

    /// <summary>An empty file or a bind mount over /dev/fuse exists too, but libfuse then fails with a bare EINVAL.</summary>
    private static unsafe bool IsCharacterDevice(string path)
    {
        const uint S_IFMT = 0xF000, S_IFCHR = 0x2000;
        NativeStat stat;
        return LibC.Stat(path, &stat) == 0 && (stat.Mode & S_IFMT) == S_IFCHR;
    }
}
