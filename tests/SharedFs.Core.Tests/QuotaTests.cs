using SharedFs.Fuse;

namespace SharedFs.Core.Tests;

/// <summary>The plan's size (SHAREDFS_QUOTA): df shows it, and nothing past it reaches the bucket.</summary>
public sealed class QuotaTests : IDisposable
{
    private const long Quota = 10_000;
    private readonly Core _core = new(quota: Quota);

    public void Dispose() => _core.Dispose();

    private async Task<FileSystemStats> DfAsync() => (await _core.Fs.StatFsAsync(Core.Caller, FuseFileSystem.RootInode)).Value;

    [Fact]
    public async Task Df_shows_the_quota_the_bytes_in_the_bucket_and_this_mounts_own_changes_at_once()
    {
        _core.Store.Put("old.bin", new byte[6_000]);
        await _core.Fs.Usage.CountAsync(CancellationToken.None);
        var df = await DfAsync();
        Assert.Equal((ulong)(Quota / 4096), df.Blocks);
        Assert.Equal(2UL, df.Blocks - df.BlocksFree); // 6 000 bytes: two blocks

        await _core.WriteFileAsync("new.bin", new byte[4_000]);
        Assert.Equal(10_000, _core.Fs.Usage.Used);
        await _core.InodeOfAsync("old.bin");
        Assert.Equal(0, await _core.Fs.UnlinkAsync(Core.Caller, FuseFileSystem.RootInode, "old.bin"));
        Assert.Equal(4_000, _core.Fs.Usage.Used);
    }

    [Fact]
    public async Task A_write_that_would_pass_the_quota_is_ENOSPC_and_the_bucket_keeps_what_it_had()
    {
        _core.Store.Put("old.bin", new byte[6_000]);
        await _core.Fs.Usage.CountAsync(CancellationToken.None);
        var (inode, handle) = await _core.CreateAsync("big.bin");
        _core.Write(inode, handle, new byte[3_000]);
        Assert.Equal(-Errno.ENOSPC, _core.Fs.Write(Core.Caller, inode, handle, new byte[2_000], 3_000));
        Assert.Equal(0, await _core.CloseAsync(inode, handle)); // what was written fits
        Assert.Equal(3_000, _core.Store.Get("big.bin")!.Length);
        Assert.Equal(6_000, _core.Store.Get("old.bin")!.Length);
    }

    [Fact]
    public async Task Files_that_fit_one_by_one_but_not_together_are_refused_at_the_close_that_passes_the_quota()
    {
        _core.Store.Put("old.bin", new byte[6_000]);
        await _core.Fs.Usage.CountAsync(CancellationToken.None);
        var (a, handleA) = await _core.CreateAsync("a.bin");
        var (b, handleB) = await _core.CreateAsync("b.bin");
        _core.Write(a, handleA, new byte[3_000]);
        _core.Write(b, handleB, new byte[3_000]);
        Assert.Equal(0, await _core.CloseAsync(a, handleA));
        _core.Store.ClearRequests();
        Assert.Equal(Errno.ENOSPC, await _core.Fs.FlushAsync(Core.Caller, b, handleB));
        Assert.Empty(_core.Store.Requests); // refused here, before any request
        Assert.Null(_core.Store.Get("b.bin"));
        Assert.Equal(-Errno.ENOSPC, _core.Fs.Write(Core.Caller, b, handleB, new byte[1], 3_000));
    }

    [Fact]
    public async Task Other_containers_changes_are_counted_at_the_next_listing()
    {
        await _core.Fs.Usage.CountAsync(CancellationToken.None);
        Assert.Equal(0, _core.Fs.Usage.Used);
        _core.Store.Put("elsewhere.bin", new byte[7_000]);
        await _core.Fs.Usage.CountAsync(CancellationToken.None);
        Assert.Equal(7_000, _core.Fs.Usage.Used);
    }
}
