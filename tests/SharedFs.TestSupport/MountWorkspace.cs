using Xunit;

namespace SharedFs.TestSupport;

/// <summary>
/// A fresh bucket and a scratch folder for mounts, per test class instance: checks for /dev/fuse first, and
/// afterwards unmounts everything below the folder before deleting it and the bucket.
/// </summary>
public sealed class MountWorkspace(string prefix) : IAsyncLifetime
{
    public TestBucket Bucket { get; } = new();
    public TempDirectory Folder { get; } = new(prefix);

    public async Task InitializeAsync()
    {
        Requirements.DevFuse();
        await Bucket.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        MountCleanup.UnmountEverything(Folder.Path);
        Folder.Dispose();
        await Bucket.DisposeAsync();
    }
}
