namespace SharedFs.Fuse;

/// <summary>How a <see cref="FuseFileSystem"/> is mounted: kernel cache timeouts and connection limits.</summary>
public sealed record FuseMountOptions
{
    /// <summary>Shown as the mount's source in /proc/mounts (never put a secret here).</summary>
    public string FsName { get; init; } = "sharedfs";
    /// <summary>Mount type suffix: the type reads "fuse.{Subtype}".</summary>
    public string Subtype { get; init; } = "sharedfs";
    public bool AllowOther { get; init; } = true;
    public TimeSpan EntryTimeout { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan AttributeTimeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long the kernel remembers that a name does not exist. Zero disables negative caching.</summary>
    public TimeSpan NegativeTimeout { get; init; } = TimeSpan.Zero;
    /// <summary>Keep page cache across opens unless mtime/size changed (libfuse auto_cache).</summary>
    public bool AutoCache { get; init; } = true;
    public int MaxThreads { get; init; } = 16;
    public uint MaxWrite { get; init; } = 1024 * 1024;
    public uint MaxReadAhead { get; init; } = 1024 * 1024;
    /// <summary>Let the kernel check permissions from the modes we report (default_permissions).</summary>
    public bool DefaultPermissions { get; init; } = false;
    /// <summary>Extra raw "-o" options, for experiments.</summary>
    public IReadOnlyList<string> ExtraOptions { get; init; } = [];
}
