using SharedFs.Fuse;
using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>
/// A bucket mounted at a path: the entry point the executable uses.
/// </summary>
public sealed class SharedFsMount : IAsyncDisposable
{
    private readonly SharedFsMountOptions _options;
    private readonly IObjectStore _store;
    private readonly SharedFileSystem _fileSystem;
    private readonly FuseMount _fuse;
    private readonly StagingArea _staging;
    private int _unmounted;

    private SharedFsMount(SharedFsMountOptions options, IObjectStore store, SharedFileSystem fileSystem, FuseMount fuse, StagingArea staging)
    {
        _options = options;
        _store = store;
        _fileSystem = fileSystem;
        _fuse = fuse;
        _staging = staging;
    }

    /// <summary>
    /// Reaches the bucket (fails with a <see cref="SharedFs.Storage.StorageException"/> naming the problem),
    /// clears a stale mount left at the mount point by a crash, mounts, and returns once the mount answers.
    /// </summary>
    public static Task<SharedFsMount> MountAsync(SharedFsMountOptions options, CancellationToken cancellationToken = default)
        => MountAsync(options, new S3ObjectStore(options.Store), cancellationToken);

    /// <summary>Mounts over a given store (the executable's own, or a test double).</summary>
    public static async Task<SharedFsMount> MountAsync(SharedFsMountOptions options, IObjectStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? createdMountPoint = null;
        StagingArea? staging = null;
        FuseMount? fuse = null;
        try
        {
            await CheckBucketAsync(store, options, cancellationToken).ConfigureAwait(false);
            var mountPoint = Path.GetFullPath(options.MountPoint);
            if (!MountTable.TryClearStaleMount(mountPoint, out var staleError))
                throw new InvalidOperationException($"cannot mount at {mountPoint}: {staleError}");
            if (!Directory.Exists(mountPoint) && !File.Exists(mountPoint)) createdMountPoint = mountPoint;
            Directory.CreateDirectory(mountPoint);
            staging = new StagingArea(options.StagingDirectory);
            var fileSystem = new SharedFileSystem(store, staging, new FileSystemSettings
            {
                CacheTtl = options.CacheTtl,
                DefaultUid = options.DefaultUid,
                DefaultGid = options.DefaultGid,
                WriteBack = options.WriteBack,
                Quota = options.Quota,
            }, options.Clock ?? TimeProvider.System);
            fuse = FuseMount.Mount(fileSystem, mountPoint, FuseOptions());
            var kernel = fuse;
            fileSystem.InvalidateAttributes = inode => kernel.InvalidateInode(inode, attributesOnly: true);
            fileSystem.InvalidateName = (parent, name) => kernel.InvalidateEntry(parent, name);
            var mount = new SharedFsMount(options, store, fileSystem, fuse, staging);
            await mount.WaitUntilAnsweringAsync(cancellationToken).ConfigureAwait(false);
            fileSystem.StartCountingUsage();
            return mount;
        }
        catch
        {
            // Cancelled or not answering after the kernel mount: nothing was written through it yet, so unmount now
            // rather than leave a live mount over a disposed store.
            fuse?.Dispose();
            staging?.Dispose();
            (store as IDisposable)?.Dispose();
            // A failed mount leaves the disk as it found it: no empty mount point of ours behind.
            if (createdMountPoint is not null)
            {
                try
                {
                    Directory.Delete(createdMountPoint);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    FsLog.Warn($"could not remove the mount point {createdMountPoint} made for this mount: {e.Message}");
                }
            }
            throw;
        }
    }

    /// <summary>
    /// What the kernel is told: permissions are its to check from the modes and owners we report
    /// (default_permissions); cache timeouts come with every answer (the rest of a node's trust).
    /// </summary>
    internal static FuseMountOptions FuseOptions() => new()
    {
        FsName = "sharedfs",
        Subtype = "sharedfs",
        DefaultPermissions = true,
        MaxWrite = 1024 * 1024,
        MaxReadAhead = 1024 * 1024,
    };

    /// <summary>A one-key listing: the cheapest request that proves keys, bucket and endpoint are right.</summary>
    private static async Task CheckBucketAsync(IObjectStore store, SharedFsMountOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await store.ListPageAsync("", "/", null, 1, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.Certificate is { } certificate)
        {
            // The certificate's own sentence says it all; the init adds the fix.
            throw new StorageException(e.Kind, certificate.Describe(), e) { Certificate = certificate };
        }
        catch (StorageException e)
        {
            var endpoint = options.Store.Endpoint;
            var bucket = options.Store.Bucket;
            var problem = e.Kind switch
            {
                StorageErrorKind.InvalidCredentials => $"the access key or secret key is wrong for {endpoint}",
                StorageErrorKind.AccessDenied => $"the keys are not allowed to list bucket '{bucket}'",
                StorageErrorKind.NoSuchBucket => $"there is no bucket '{bucket}' at {endpoint}",
                StorageErrorKind.Unavailable => $"the storage endpoint {endpoint} cannot be reached",
                _ => $"bucket '{bucket}' at {endpoint} cannot be listed",
            };
            throw new StorageException(e.Kind, $"{problem}: {e.Message}", e);
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            // stat goes through the kernel to our callbacks: it answers once the loop serves requests.
            var answered = await Task.Run(() =>
            {
                try { return MountTable.IsFuseMount(MountPoint) && Directory.Exists(MountPoint); }
                catch (IOException) { return false; }
            }, cancellationToken).ConfigureAwait(false);
            if (answered) return;
            if (DateTime.UtcNow > deadline || _fuse.Completion.IsCompleted)
                throw new InvalidOperationException($"the mount at {MountPoint} does not answer");
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    public string MountPoint => _fuse.MountPoint;

    /// <summary>What the mount is doing now: open and unsaved files, uploads, the bucket's bytes, the store's requests.</summary>
    public MountFigures Figures() => _fileSystem.Figures((_store as S3ObjectStore)?.Meter.Snapshot());

    /// <summary>Completes when the mount has gone away (unmounted from here or from outside).</summary>
    public Task Completion => _fuse.Completion;

    /// <summary>Uploads every dirty file; returns the number of files that could not be uploaded.</summary>
    public Task<int> FlushAsync(CancellationToken cancellationToken = default) => _fileSystem.FlushAllAsync().WaitAsync(cancellationToken);

    /// <summary>Flushes, then unmounts (waiting for open files up to the configured wait, then lazily). True when clean.</summary>
    public async Task<bool> UnmountAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unmounted, 1) == 1) return true;
        var failures = await FlushAsync(cancellationToken).ConfigureAwait(false);
        var clean = await Task.Run(() => _fuse.Unmount(_options.UnmountWait), CancellationToken.None).ConfigureAwait(false);
        // Files still open at a lazy unmount are released by then or never: one last attempt.
        failures = await _fileSystem.FlushAllAsync().ConfigureAwait(false);
        _fileSystem.StopBackgroundWork();
        _fuse.Dispose();
        (_store as IDisposable)?.Dispose();
        // Data that could not be uploaded is never deleted: it is saved under its keys in this mount's staging area,
        // which the next start keeps and reports.
        if (failures == 0) _staging.Dispose();
        else _fileSystem.SaveNotUploaded(Path.Combine(_staging.Directory, "not-uploaded"));
        return clean && failures == 0;
    }

    public async ValueTask DisposeAsync() => await UnmountAsync().ConfigureAwait(false);
}
