using SharedFs.FileSystem;
using SharedFs.Init.Users;
using SharedFs.Storage;

namespace SharedFs.Init.Configuration;

/// <summary>The validated configuration. Holds the secret inside <see cref="Credentials"/>, whose ToString hides it.</summary>
internal sealed record InitSettings
{
    public S3Credentials? Credentials { get; init; }
    public IReadOnlyList<string> Symlinks { get; init; } = [];
    public Uri? Endpoint { get; init; }
    public string Region { get; init; } = "us-east-1";
    public string MountPath { get; init; } = "/storage";
    public string AppRoot { get; init; } = Directory.GetCurrentDirectory();
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(25);
    public string? StagingDirectory { get; init; }
    /// <summary>When close() and unlink() return before the upload or delete has reached the bucket (fsync waits).</summary>
    public WriteBackMode WriteBack { get; init; } = WriteBackMode.Off;
    /// <summary>The plan's size in bytes (df shows it; writes beyond it are ENOSPC); null: no limit of ours.</summary>
    public long? Quota { get; init; }
    /// <summary>
    /// Who the app runs as (SHAREDFS_USER); null: as the init. Also the owner of what the symlinks put in storage
    /// and of objects without owner metadata.
    /// </summary>
    public AppUser? User { get; init; }
    /// <summary>How requests are signed: V4, or V2 for the servers that still need it.</summary>
    public SignatureVersion Signature { get; init; } = SignatureVersion.V4;
    /// <summary>Signal only the app's process, not its process group (and do not make it a group leader).</summary>
    public bool SingleChild { get; init; }
    /// <summary>Run as a plain init: no storage, no symlinks.</summary>
    public bool NoMount { get; init; }
}
