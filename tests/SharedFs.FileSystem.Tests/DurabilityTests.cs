using System.Text;
using SharedFs.Storage;
using SharedFs.TestSupport;

namespace SharedFs.FileSystem.Tests;

/// <summary>
/// fsync() returns 0 only when the data is in the bucket (close() too without write-back); a failed upload is
/// -EIO to whoever waits for it, and the data stays staged until it lands; a full staging disk is ENOSPC for the
/// writer.
/// </summary>
public sealed class DurabilityTests : IAsyncLifetime
{
    private readonly TestBucket _bucket = new();
    private readonly TempDirectory _folder = new("sharedfs-durability");

    public Task InitializeAsync() => _bucket.InitializeAsync();

    public async Task DisposeAsync()
    {
        MountCleanup.UnmountEverything(_folder.Path);
        _folder.Dispose();
        await _bucket.DisposeAsync();
    }

    private Task<(SharedFsMount Mount, FaultyStore Store)> MountAsync(string staging, WriteBackMode writeBack = WriteBackMode.On) =>
        FaultyStore.MountAsync(_bucket, _folder.Combine("mnt"), staging, writeBack);

    private async Task<bool> ExistsInBucketAsync(string key) => (await _bucket.ListKeysAsync(key)).Contains(key);

    [Fact]
    public async Task Without_write_back_a_failed_upload_is_EIO_at_close_and_fsync_and_is_retried_by_the_next_flush()
    {
        var (mount, store) = await MountAsync(_folder.Combine("staging"), WriteBackMode.Off);
        await using var _ = mount;
        using var cleanup = MountCleanup.For(mount.MountPoint);
        var path = Path.Combine(mount.MountPoint, "precious.txt");
        var synced = Path.Combine(mount.MountPoint, "synced.txt");

        store.FailWrites = true;
        Assert.Equal(Posix.EIO, Posix.WriteAndClose(path, Posix.OWriteOnly | Posix.OCreate | Posix.OTruncate, 0, "precious"u8));
        Assert.Equal(Posix.EIO, Posix.WriteAndFsync(synced, "synced"u8));
        Assert.False(await ExistsInBucketAsync("precious.txt"));
        // Still there on this mount, with its content, while it waits.
        Assert.Equal("precious", await File.ReadAllTextAsync(path));

        store.FailWrites = false;
        Assert.Equal(0, await mount.FlushAsync());
        Assert.Equal("precious", await _bucket.GetTextAsync("precious.txt"));
        Assert.Equal("synced", await _bucket.GetTextAsync("synced.txt"));
        Assert.Empty(Directory.GetFiles(_folder.Combine("staging")));
    }

    [Fact]
    public async Task With_write_back_a_failed_upload_is_EIO_at_fsync_only_and_lands_by_itself_once_the_bucket_is_back()
    {
        var (mount, store) = await MountAsync(_folder.Combine("staging"));
        await using var _ = mount;
        using var cleanup = MountCleanup.For(mount.MountPoint);
        var closed = Path.Combine(mount.MountPoint, "closed.txt");
        var synced = Path.Combine(mount.MountPoint, "synced.txt");

        store.FailWrites = true;
        Assert.Equal(0, Posix.WriteAndClose(closed, Posix.OWriteOnly | Posix.OCreate | Posix.OTruncate, 0, "closed"u8));
        Assert.Equal(Posix.EIO, Posix.WriteAndFsync(synced, "synced"u8));
        Assert.Equal(Posix.EIO, Posix.SyncDirectory(mount.MountPoint));
        Assert.False(await ExistsInBucketAsync("closed.txt"));
        Assert.Equal("closed", await File.ReadAllTextAsync(closed));

        // No flush asked for: the background retries (1 s, 2 s, 4 s…) land both once the bucket answers again.
        store.FailWrites = false;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await ExistsInBucketAsync("closed.txt") && await ExistsInBucketAsync("synced.txt")) && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal("closed", await _bucket.GetTextAsync("closed.txt"));
        Assert.Equal("synced", await _bucket.GetTextAsync("synced.txt"));
    }

    [Fact]
    public async Task Unmount_uploads_what_is_pending()
    {
        var (mount, store) = await MountAsync(_folder.Combine("staging"));
        using var cleanup = MountCleanup.For(mount.MountPoint);
        store.FailWrites = true;
        Posix.WriteAndClose(Path.Combine(mount.MountPoint, "late.txt"), Posix.OWriteOnly | Posix.OCreate, 0, "late"u8);
        store.FailWrites = false;
        Assert.True(await mount.UnmountAsync());
        Assert.Equal("late", await _bucket.GetTextAsync("late.txt"));
    }

    [Fact]
    public async Task A_full_staging_disk_is_ENOSPC_for_the_writer()
    {
        var staging = _folder.Combine("tiny-staging");
        Directory.CreateDirectory(staging);
        await Shell.RunAsync($"mount -t tmpfs -o size=1m tmpfs '{staging}'");
        try
        {
            var (mount, _) = await MountAsync(staging);
            await using var __ = mount;
            using var cleanup = MountCleanup.For(mount.MountPoint);
            var big = new byte[3 << 20];
            Assert.Equal(Posix.ENOSPC, Posix.WriteFully(Path.Combine(mount.MountPoint, "toobig.bin"), big));
            // Small files still work on the same mount (once the staged part of the big one has landed).
            await File.WriteAllTextAsync(Path.Combine(mount.MountPoint, "small.txt"), "fits");
            Assert.Equal(0, Posix.SyncDirectory(mount.MountPoint));
            Assert.Equal("fits", await _bucket.GetTextAsync("small.txt"));
            Assert.Equal("fits", Encoding.UTF8.GetString(await File.ReadAllBytesAsync(Path.Combine(mount.MountPoint, "small.txt"))));
        }
        finally
        {
            MountCleanup.UnmountEverything(_folder.Combine("mnt"));
            await Shell.RunAsync($"umount '{staging}' || umount -l '{staging}'");
        }
    }
}
