using SharedFs.Fuse;

namespace SharedFs.Core.Tests;

/// <summary>The node table's own rules: kernel references, eviction, what stays while someone holds it.</summary>
public sealed class TableTests
{
    [Fact]
    public async Task Nodes_the_kernel_forgot_are_evicted_beyond_the_capacity_and_referenced_ones_stay()
    {
        using var core = new Core(nodeCapacity: 10);
        for (var i = 0; i < 30; i++) core.Store.Put($"f{i:D2}", "x"u8.ToArray());
        var held = await core.InodeOfAsync("f00");
        for (var i = 1; i < 30; i++)
        {
            var inode = await core.InodeOfAsync($"f{i:D2}");
            core.Fs.Forget(inode, 1); // the kernel drops every name but the first
        }
        Assert.True(core.Fs.Table.Count <= 11, $"{core.Fs.Table.Count} nodes kept");
        Assert.True((await core.Fs.GetAttributesAsync(Core.Caller, held, null)).Ok);
    }

    [Fact]
    public async Task A_listing_bigger_than_the_capacity_keeps_every_entry_until_its_handle_is_released()
    {
        using var core = new Core(nodeCapacity: 5);
        for (var i = 0; i < 20; i++) core.Store.Put($"f{i:D2}", "x"u8.ToArray());
        var open = await core.Fs.OpenDirectoryAsync(Core.Caller, FuseFileSystem.RootInode, 0);
        var listed = core.Fs.ListedInodes(open.Value.Handle);
        Assert.Equal(20, listed.Count);
        foreach (var inode in listed) Assert.True((await core.Fs.GetAttributesAsync(Core.Caller, inode, null)).Ok, $"inode {inode} was evicted");
        await core.Fs.ReleaseDirectoryAsync(Core.Caller, FuseFileSystem.RootInode, open.Value.Handle);
        Assert.True(core.Fs.Table.Count <= 6, $"{core.Fs.Table.Count} nodes kept after the release");
    }

    [Fact]
    public async Task A_file_being_written_is_never_evicted_whatever_the_capacity()
    {
        using var core = new Core(nodeCapacity: 2);
        var (inode, handle) = await core.CreateAsync("pending");
        core.Fs.Forget(inode, 1);
        for (var i = 0; i < 10; i++)
        {
            core.Store.Put($"other{i}", "x"u8.ToArray());
            core.Fs.Forget(await core.InodeOfAsync($"other{i}"), 1);
        }
        core.Write(inode, handle, "still here"u8.ToArray());
        Assert.Equal(0, await core.CloseAsync(inode, handle));
        Assert.Equal("still here"u8.ToArray(), core.Store.Get("pending"));
    }

    [Fact]
    public async Task The_root_has_the_mounts_times_and_takes_a_chmod_and_touch_locally()
    {
        using var core = new Core();
        var root = await core.Fs.GetAttributesAsync(Core.Caller, FuseFileSystem.RootInode, null);
        Assert.Equal(core.Clock.GetUtcNow().ToUnixTimeSeconds(), root.Value.Stat.ModifyTime.Seconds);
        core.Advance(TimeSpan.FromSeconds(3));
        var touched = await core.Fs.SetAttributesAsync(Core.Caller, FuseFileSystem.RootInode, new AttributeChanges(null, null, null, null, null, null, true, true), null);
        Assert.Equal(root.Value.Stat.ModifyTime.Seconds + 3, touched.Value.Stat.ModifyTime.Seconds);
        Assert.Empty(core.Store.Requests);
    }
}
