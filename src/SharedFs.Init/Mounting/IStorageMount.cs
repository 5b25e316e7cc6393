namespace SharedFs.Init.Mounting;

/// <summary>A mounted bucket, as the supervisor needs it. The real one wraps SharedFsMount; tests use fakes.</summary>
internal interface IStorageMount
{
    string MountPoint { get; }

    /// <summary>Completes when the mount has gone away, from here or from outside.</summary>
    Task Completion { get; }

    /// <summary>Uploads what is dirty; returns how many files could not be uploaded.</summary>
    Task<int> FlushAsync(CancellationToken cancellationToken);

    /// <summary>Flushes and unmounts; true when clean.</summary>
    Task<bool> UnmountAsync(CancellationToken cancellationToken);
}

/// <summary>Makes a mount: clears a stale one, mounts, returns once it answers.</summary>
internal interface IStorageMounter
{
    Task<IStorageMount> MountAsync(CancellationToken cancellationToken);
}
