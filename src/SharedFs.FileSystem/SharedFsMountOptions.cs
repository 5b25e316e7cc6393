using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>Everything needed to mount one bucket at one path.</summary>
public sealed record SharedFsMountOptions
{
    public required S3StoreOptions Store { get; init; }
    public required string MountPoint { get; init; }
    /// <summary>Bound on how stale stat/readdir answers may be (kernel and our own caches).</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Where dirty file contents are staged before upload (0700, files 0600).</summary>
    public string StagingDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "sharedfs-staging");
    /// <summary>Owner reported for objects without uid/gid metadata.</summary>
    public uint DefaultUid { get; init; }
    public uint DefaultGid { get; init; }
    /// <summary>
    /// When close() and unlink() return once the change is staged on this mount and the upload or delete runs in
    /// the background (fsync waits for it): during bursts (the default), always, or never.
    /// </summary>
    public WriteBackMode WriteBack { get; init; } = WriteBackMode.Auto;
    /// <summary>How long a stuck unmount waits for open files before falling back to a lazy unmount.</summary>
    public TimeSpan UnmountWait { get; init; } = TimeSpan.FromSeconds(5);
}
