namespace SharedFs.Fuse;

/// <summary>How a <see cref="FuseFileSystem"/> is mounted: mount options and connection limits.</summary>
public sealed record FuseMountOptions
{
    /// <summary>Shown as the mount's source in /proc/mounts (never put a secret here).</summary>
    public string FsName { get; init; } = "sharedfs";
    /// <summary>Mount type suffix: the type reads "fuse.{Subtype}".</summary>
    public string Subtype { get; init; } = "sharedfs";
    public bool AllowOther { get; init; } = true;
    /// <summary>The kernel checks permissions from the modes and owners the filesystem reports (default_permissions).</summary>
    public bool DefaultPermissions { get; init; } = true;
    /// <summary>libfuse worker threads. Calls answer asynchronously, so a few are enough for any concurrency.</summary>
    public int MaxThreads { get; init; } = 8;
    public uint MaxWrite { get; init; } = 1024 * 1024;
    public uint MaxReadAhead { get; init; } = 1024 * 1024;
    /// <summary>Extra raw "-o" options, for experiments.</summary>
    public IReadOnlyList<string> ExtraOptions { get; init; } = [];
}
