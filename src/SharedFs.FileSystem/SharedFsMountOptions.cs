using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>Everything needed to mount one bucket at one path.</summary>
public sealed record SharedFsMountOptions
{
    public required S3StoreOptions Store { get; init; }
    public required string MountPoint { get; init; }
    /// <summary>How old the attributes stat() shows of a name this mount already knows may be (never a lookup of a new name, an open or a listing).</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Where dirty file contents are staged before upload (0700, files 0600).</summary>
    public string StagingDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "sharedfs-staging");
    /// <summary>Owner reported for objects without uid/gid metadata.</summary>
    public uint DefaultUid { get; init; }
    public uint DefaultGid { get; init; }
    /// <summary>
    /// Off (the default): close() and unlink() return once the bucket has the change. On (bulk imports): once the
    /// change is staged here and its upload or delete queued (fsync waits for it).
    /// </summary>
    public WriteBackMode WriteBack { get; init; } = WriteBackMode.Off;
    /// <summary>The plan's size in bytes (df's total; writes past it are ENOSPC). Null: df shows the bucket's bytes used of 4 PiB.</summary>
    public long? Quota { get; init; }
    /// <summary>The clock of the caches (tests inject their own).</summary>
    public TimeProvider? Clock { get; init; }
    /// <summary>How long a stuck unmount waits for open files before falling back to a lazy unmount.</summary>
    public TimeSpan UnmountWait { get; init; } = TimeSpan.FromSeconds(5);
}
