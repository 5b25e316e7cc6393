using SharedFs.FileSystem;
using SharedFs.Init.Configuration;
using SharedFs.Init.Native;
using SharedFs.Storage;

namespace SharedFs.Init.Mounting;

/// <summary>The real mount: the project's FUSE filesystem over the configured bucket.</summary>
internal sealed class SharedFsMounter(InitSettings settings) : IStorageMounter
{
    public async Task<IStorageMount> MountAsync(CancellationToken cancellationToken)
    {
        SharedFsMount mount = await SharedFsMount.MountAsync(ToOptions(settings), cancellationToken).ConfigureAwait(false);
        return new Adapter(mount);
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
            // Files appear owned by the user running the app (the init runs as that user).
            DefaultUid = Libc.getuid(),
            DefaultGid = Libc.getgid(),
        };
        return settings.StagingDirectory is { } staging ? options with { StagingDirectory = staging } : options;
    }

    private sealed class Adapter(SharedFsMount mount) : IStorageMount
    {
        public string MountPoint => mount.MountPoint;
        public Task Completion => mount.Completion;
        public Task<int> FlushAsync(CancellationToken cancellationToken) => mount.FlushAsync(cancellationToken);
        public Task<bool> UnmountAsync(CancellationToken cancellationToken) => mount.UnmountAsync(cancellationToken);
    }
}
