using SharedFs.Storage;
using SharedFs.TestSupport;
using Xunit;

namespace SharedFs.FileSystem.Tests;

/// <summary>
/// A real mount of a fresh bucket on the Ceph gateway, for one test class (IClassFixture). Always unmounted at
/// the end (MountCleanup as the last resort), even when a test failed.
/// </summary>
public sealed class MountedBucket : IAsyncLifetime
{
    public TestBucket Bucket { get; } = new();
    public TempDirectory Folder { get; } = new("sharedfs-fs");
    public SharedFsMount Mount { get; private set; } = null!;
    public string Root => Mount.MountPoint;

    public string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>
    /// `sync` of the mount's root: close() and unlink() return before the bucket has the change (write-back),
    /// fsync of a directory waits until everything queued below it has landed.
    /// </summary>
    public void Sync() => Assert.Equal(0, Posix.SyncDirectory(Root));

    public async Task InitializeAsync()
    {
        Requirements.DevFuse();
        await Bucket.InitializeAsync();
        Mount = await MountAsync(Bucket, Folder.Combine("mnt"), Folder.Combine("staging"));
    }

    public static Task<SharedFsMount> MountAsync(TestBucket bucket, string mountPoint, string staging, TimeSpan? ttl = null) =>
        SharedFsMount.MountAsync(new SharedFsMountOptions
        {
            Store = bucket.StoreOptions,
            MountPoint = mountPoint,
            StagingDirectory = staging,
            CacheTtl = ttl ?? TimeSpan.FromSeconds(1),
            UnmountWait = TimeSpan.FromSeconds(2),
        });

    public async Task DisposeAsync()
    {
        try
        {
            if (Mount is not null) await Mount.UnmountAsync();
        }
        finally
        {
            MountCleanup.UnmountEverything(Folder.Path);
            Folder.Dispose();
            await Bucket.DisposeAsync();
        }
    }

    public async Task<ObjectInfo?> HeadAsync(string key)
    {
        using var store = new S3ObjectStore(Bucket.StoreOptions);
        return await store.HeadAsync(key);
    }
}
