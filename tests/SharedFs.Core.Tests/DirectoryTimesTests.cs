using SharedFs.Fuse;

namespace SharedFs.Core.Tests;

/// <summary>A directory's mtime and ctime move when a name is made in it, and stay when the bucket's answer is of the marker this mount wrote.</summary>
public sealed class DirectoryTimesTests : IDisposable
{
    private readonly Core _core = new();

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_directorys_new_times_survive_the_revalidation_of_its_marker_when_the_servers_clock_is_in_another_second()
    {
        _core.Store.ServerClockAhead = TimeSpan.FromMilliseconds(300);
        _core.Clock.Advance(TimeSpan.FromMilliseconds(800)); // ours :00.8, the server's :01.1: another second
        var made = await _core.Fs.MakeDirectoryAsync(Core.Caller, FuseFileSystem.RootInode, "photos", 0x1ED);
        Assert.True(made.Ok);
        _core.Clock.Advance(TimeSpan.FromMilliseconds(100)); // within the TTL: the marker is not asked about again
        var (file, handle) = await _core.CreateAsync("photos/a.jpg");
        Assert.Equal(0, await _core.CloseAsync(file, handle));
        var changed = (await _core.Fs.GetAttributesAsync(Core.Caller, made.Value.Inode, null)).Value.Stat;
        Assert.True(changed.ModifyTime > made.Value.Attributes.ModifyTime);

        _core.Clock.Advance(Core.Ttl * 2);
        _core.Store.ClearRequests();
        var revalidated = (await _core.Fs.GetAttributesAsync(Core.Caller, made.Value.Inode, null)).Value.Stat;
        Assert.Contains(_core.Store.Requests, r => r.Key == "photos/"); // the bucket was asked about the marker
        Assert.Equal(changed.ModifyTime, revalidated.ModifyTime);
        Assert.Equal(changed.ChangeTime, revalidated.ChangeTime);
    }
}
