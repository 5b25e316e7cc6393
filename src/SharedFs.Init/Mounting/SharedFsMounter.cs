using SharedFs.FileSystem;
using SharedFs.Init.Configuration;
using SharedFs.Init.Logging;
using SharedFs.Init.Native;
using SharedFs.Init.Status;
using SharedFs.Storage;

namespace SharedFs.Init.Mounting;

/// <summary>The real mount: the project's FUSE filesystem over the configured bucket.</summary>
internal sealed class SharedFsMounter(InitSettings settings) : IStorageMounter
{
    public async Task<IStorageMount> MountAsync(CancellationToken cancellationToken)
    {
        SharedFsMount mount = await SharedFsMount.MountAsync(ToOptions(settings), cancellationToken).ConfigureAwait(false);
        // A running mount keeps its figures for `sharedfs-init status` and logs a summary each busy minute.
        var reporter = new StatusReporter(mount.Figures, StatusFile.PathFor(settings), settings.MountPath, settings.Credentials!.Bucket, Log.StandardError);
        return new Adapter(mount, reporter);
    }

    /// <summary>The storage layer's view of the configured bucket (also used by "sharedfs-init check").</summary>
    public static S3StoreOptions ToStoreOptions(InitSettings settings)
    {
        S3Credentials credentials = settings.Credentials ?? throw new InvalidOperationException("no credentials");
        return new S3StoreOptions
        {
            Endpoint = settings.Endpoint ?? throw new InvalidOperationException("no endpoint"),
            Region = settings.Region,
            AccessKeyId = credentials.AccessKeyId,
            SecretAccessKey = credentials.SecretAccessKey,
            Bucket = credentials.Bucket,
            Signature = settings.Signature,
        };
    }

    public static SharedFsMountOptions ToOptions(InitSettings settings)
    {
        var options = new SharedFsMountOptions
        {
            Store = ToStoreOptions(settings),
            MountPoint = settings.MountPath,
            CacheTtl = settings.CacheTtl,
            WriteBack = settings.WriteBack,
            Quota = settings.Quota,
            // Objects without owner metadata (put by other tools), and the mount root, belong to the app's user:
            // SHAREDFS_USER, or the user the init runs as.
            DefaultUid = settings.User?.Ids.Uid ?? Libc.getuid(),
            DefaultGid = settings.User?.Ids.Gid ?? Libc.getgid(),
        };
        return settings.StagingDirectory is { } staging ? options with { StagingDirectory = staging } : options;
    }

    private sealed class Adapter(SharedFsMount mount, StatusReporter reporter) : IStorageMount
    {
        public string MountPoint => mount.MountPoint;
        public Task Completion => mount.Completion;
        public Task<int> FlushAsync(CancellationToken cancellationToken) => mount.FlushAsync(cancellationToken);

        public async Task<bool> UnmountAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await mount.UnmountAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await reporter.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
