namespace SharedFs.FileSystem;

/// <summary>
/// A bucket mounted at a path: the entry point the executable uses.
/// CONTRACT ONLY for now: the filesystem team replaces the bodies.
/// </summary>
public sealed class SharedFsMount : IAsyncDisposable
{
    private SharedFsMount() { }

    /// <summary>
    /// Reaches the bucket (fails with a <see cref="SharedFs.Storage.StorageException"/> naming the problem),
    /// clears a stale mount left at the mount point by a crash, mounts, and returns once the mount answers.
    /// </summary>
    public static Task<SharedFsMount> MountAsync(SharedFsMountOptions options, CancellationToken cancellationToken = default)
        => throw new NotImplementedException("filesystem not built yet");

    public string MountPoint => throw new NotImplementedException();

    /// <summary>Completes when the mount has gone away (unmounted from here or from outside).</summary>
    public Task Completion => throw new NotImplementedException();

    /// <summary>Uploads every dirty file; returns the number of files that could not be uploaded.</summary>
    public Task<int> FlushAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Flushes, then unmounts (waiting for open files up to the configured wait, then lazily). True when clean.</summary>
    public Task<bool> UnmountAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
