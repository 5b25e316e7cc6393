using SharedFs.TestSupport;

namespace SharedFs.FileSystem.Tests;

/// <summary>
/// Several mounts may share one staging folder (every container's init is PID 1, and /tmp is the default):
/// their staged files must never collide, and a live mount's files are never cleaned up by another's start.
/// </summary>
public sealed class SharedStagingTests : IAsyncLifetime
{
    private readonly MountWorkspace _workspace = new("sharedfs-staging-share");
    private TestBucket _bucket => _workspace.Bucket;
    private TempDirectory _folder => _workspace.Folder;

    public Task InitializeAsync() => _workspace.InitializeAsync();

    public Task DisposeAsync() => _workspace.DisposeAsync();

    [Fact]
    public async Task Two_mounts_sharing_a_staging_folder_write_at_the_same_time_without_colliding()
    {
        var staging = _folder.Combine("staging");
        var a = await MountedBucket.MountAsync(_bucket, _folder.Combine("a"), staging);
        try
        {
            // A has a file open with staged data when B starts: B's start must not remove it.
            var openInA = new FileStream(Path.Combine(a.MountPoint, "held-open.txt"), FileMode.Create);
            openInA.Write("staged in A while B starts"u8);
            openInA.Flush();
            var b = await MountedBucket.MountAsync(_bucket, _folder.Combine("b"), staging);
            try
            {
                // A's second staged file while B stages its first and second: same process, same counters.
                using (var secondInA = new FileStream(Path.Combine(a.MountPoint, "from-a.txt"), FileMode.Create))
                {
                    secondInA.Write("written through A"u8);
                    secondInA.Flush();
                    File.WriteAllText(Path.Combine(b.MountPoint, "from-b-1.txt"), "written through B");
                    File.WriteAllText(Path.Combine(b.MountPoint, "from-b-2.txt"), "written through B again");
                }
                openInA.Dispose();
                Assert.Equal(0, Posix.SyncDirectory(a.MountPoint));
                Assert.Equal(0, Posix.SyncDirectory(b.MountPoint));
                Assert.Equal("written through A", await _bucket.GetTextAsync("from-a.txt"));
                Assert.Equal("written through B", await _bucket.GetTextAsync("from-b-1.txt"));
                Assert.Equal("written through B again", await _bucket.GetTextAsync("from-b-2.txt"));
                Assert.Equal("staged in A while B starts", await _bucket.GetTextAsync("held-open.txt"));
            }
            finally
            {
                await b.UnmountAsync();
            }
        }
        finally
        {
            await a.UnmountAsync();
        }
        // Both mounts ended cleanly: nothing of theirs is left in the shared folder.
        Assert.Empty(Directory.GetFileSystemEntries(staging));
    }
}
