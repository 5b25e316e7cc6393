using System.Diagnostics;
using SharedFs.Storage;
using SharedFs.TestSupport;

namespace SharedFs.FileSystem.Tests;

/// <summary>
/// Write-back on a slow bucket (every upload or delete held for a while): close() and unlink() return at once,
/// this mount shows the change meanwhile, the bucket gets it in order, and whoever needs it there waits for it
/// (fsync, `sync DIR`, rename, rmdir). Without write-back, close() waits.
/// </summary>
public sealed class WriteBackTests : IAsyncLifetime
{
    private const int SlowMilliseconds = 1500;
    private readonly MountWorkspace _workspace = new("sharedfs-write-back");
    private TestBucket Bucket => _workspace.Bucket;

    public Task InitializeAsync() => _workspace.InitializeAsync();

    public Task DisposeAsync() => _workspace.DisposeAsync();

    private Task<(SharedFsMount Mount, FaultyStore Store)> MountAsync(WriteBackMode writeBack = WriteBackMode.On) =>
        FaultyStore.MountAsync(Bucket, _workspace.Folder.Combine("mnt"), _workspace.Folder.Combine("staging"), writeBack);

    private async Task<bool> InBucketAsync(string key) => (await Bucket.ListKeysAsync(key)).Contains(key);

    /// <summary>Creates and writes the file, then times its close() alone (lookups and writes are not counted).</summary>
    private static TimeSpan TimeClose(string path, string text)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
        return Time(stream.Dispose);
    }

    private static TimeSpan Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    [Fact]
    public async Task Close_returns_before_a_slow_upload_and_sync_of_the_directory_waits_for_it()
    {
        var (mount, store) = await MountAsync();
        await using var _ = mount;
        var path = Path.Combine(mount.MountPoint, "report.txt");
        store.WriteDelayMilliseconds = SlowMilliseconds;

        var closing = Time(() => File.WriteAllText(path, "quarterly"));
        Assert.True(closing < TimeSpan.FromMilliseconds(SlowMilliseconds / 2), $"close took {closing}");
        Assert.False(await InBucketAsync("report.txt"));
        Assert.Equal("quarterly", File.ReadAllText(path));
        Assert.Contains("report.txt", Directory.GetFiles(mount.MountPoint).Select(Path.GetFileName));

        var syncing = Time(() => Assert.Equal(0, Posix.SyncDirectory(mount.MountPoint)));
        Assert.True(syncing > TimeSpan.FromMilliseconds(SlowMilliseconds / 3), $"sync took {syncing}");
        Assert.Equal("quarterly", await Bucket.GetTextAsync("report.txt"));
    }

    [Fact]
    public async Task A_queued_delete_hides_the_file_and_lands_before_the_same_name_is_written_again()
    {
        var (mount, store) = await MountAsync();
        await using var _ = mount;
        var path = Path.Combine(mount.MountPoint, "cycle.txt");
        File.WriteAllText(path, "first");
        Assert.Equal(0, Posix.SyncDirectory(mount.MountPoint));
        store.DeleteDelayMilliseconds = SlowMilliseconds;

        var unlinking = Time(() => File.Delete(path));
        Assert.True(unlinking < TimeSpan.FromMilliseconds(SlowMilliseconds / 2), $"unlink took {unlinking}");
        Assert.True(await InBucketAsync("cycle.txt"));
        Assert.False(File.Exists(path));
        Assert.DoesNotContain("cycle.txt", Directory.GetFiles(mount.MountPoint).Select(Path.GetFileName));
        Assert.Equal(Posix.ENOENT, Posix.Unlink(path));

        // Written again while the DELETE is still held: the PUT must land after it, never be deleted by it.
        File.WriteAllText(path, "second");
        Assert.Equal(0, Posix.SyncDirectory(mount.MountPoint));
        Assert.Equal("second", await Bucket.GetTextAsync("cycle.txt"));
        Assert.Equal("second", File.ReadAllText(path));
    }

    [Fact]
    public async Task Rename_and_rmdir_wait_for_what_is_queued_below_them()
    {
        var (mount, store) = await MountAsync();
        await using var _ = mount;
        var folder = Path.Combine(mount.MountPoint, "work");
        Directory.CreateDirectory(folder);
        store.WriteDelayMilliseconds = SlowMilliseconds;
        File.WriteAllText(Path.Combine(folder, "draft.txt"), "draft");
        File.Move(Path.Combine(folder, "draft.txt"), Path.Combine(folder, "final.txt"));
        Assert.Equal("draft", await Bucket.GetTextAsync("work/final.txt"));
        Assert.False(await InBucketAsync("work/draft.txt"));

        store.WriteDelayMilliseconds = 0;
        store.DeleteDelayMilliseconds = SlowMilliseconds;
        File.Delete(Path.Combine(folder, "final.txt"));
        Directory.Delete(folder);
        Assert.Empty(await Bucket.ListKeysAsync("work/"));
    }

    [Fact]
    public async Task Without_write_back_close_and_unlink_wait_for_the_bucket()
    {
        var (mount, store) = await MountAsync(WriteBackMode.Off);
        await using var _ = mount;
        var path = Path.Combine(mount.MountPoint, "strict.txt");
        store.WriteDelayMilliseconds = SlowMilliseconds;
        var closing = Time(() => File.WriteAllText(path, "strict"));
        Assert.True(closing >= TimeSpan.FromMilliseconds(SlowMilliseconds), $"close took {closing}");
        Assert.Equal("strict", await Bucket.GetTextAsync("strict.txt"));

        store.DeleteDelayMilliseconds = SlowMilliseconds;
        File.Delete(path);
        Assert.False(await InBucketAsync("strict.txt"));
    }
}
