namespace SharedFs.Posix.Tests;

/// <summary>The times and modes POSIX fixes and programs check (make, rsync, backup tools).</summary>
public sealed class AttributeRuleTests(PosixMount m) : IClassFixture<PosixMount>
{
    private const int EEXIST = 17;

    private static async Task<(uint Mode, uint Uid, uint Gid, long Size, decimal MTime, decimal CTime)> StatAsync(string path) =>
        Probe.Fields((await Probe.AsRootAsync("stat", path)).Output);

    /// <summary>Waits until the clock's second has moved on, so that a new timestamp is told apart from the old one.</summary>
    private static async Task NextSecondAsync(decimal after)
    {
        while ((decimal)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 < Math.Floor(after) + 1) await Task.Delay(20);
    }

    [Fact]
    public async Task The_mount_root_has_real_times_and_touch_changes_them()
    {
        var before = await StatAsync(m.Mount.MountPoint);
        Assert.True(before.MTime > 1_600_000_000m, $"root mtime {before.MTime}");
        await NextSecondAsync(before.MTime);
        Assert.Equal(0, (await Probe.AsRootAsync("utime-now", m.Mount.MountPoint)).Errno);
        Assert.True((await StatAsync(m.Mount.MountPoint)).MTime > before.MTime);
    }

    [Fact]
    public async Task Ctime_moves_on_every_metadata_change()
    {
        var file = Path.Combine(m.Folder(), "c");
        await File.WriteAllTextAsync(file, "x");
        foreach (var change in new[] { new[] { "chmod", file, "600" }, ["chown", file, "0", "33"], ["truncate", file, "5"], ["write", file, "longer text"] })
        {
            var before = await StatAsync(file);
            await NextSecondAsync(before.CTime);
            Assert.Equal(0, (await Probe.AsRootAsync(change)).Errno);
            Assert.True((await StatAsync(file)).CTime > before.CTime, $"{change[0]} left ctime at {before.CTime}");
        }
    }

    [Fact]
    public async Task A_directory_s_mtime_and_ctime_move_when_a_name_is_made_removed_or_renamed_in_it()
    {
        var dir = m.Folder();
        foreach (var change in new[] { new[] { "write", Path.Combine(dir, "a"), "x" }, ["rename", Path.Combine(dir, "a"), Path.Combine(dir, "b")], ["unlink", Path.Combine(dir, "b")] })
        {
            var before = await StatAsync(dir);
            await NextSecondAsync(before.MTime);
            Assert.Equal(0, (await Probe.AsRootAsync(change)).Errno);
            var after = await StatAsync(dir);
            Assert.True(after.MTime > before.MTime && after.CTime > before.CTime, $"{change[0]} left the directory's times");
        }
    }

    [Fact]
    public async Task Truncate_moves_mtime_only_when_the_size_changes()
    {
        var file = Path.Combine(m.Folder(), "t");
        await File.WriteAllTextAsync(file, "12345");
        var before = await StatAsync(file);
        await NextSecondAsync(before.MTime);
        Assert.Equal(0, (await Probe.AsRootAsync("truncate", file, "5")).Errno);
        Assert.Equal(before.MTime, (await StatAsync(file)).MTime);
        Assert.Equal(0, (await Probe.AsRootAsync("truncate", file, "2")).Errno);
        var after = await StatAsync(file);
        Assert.True(after.MTime > before.MTime);
        Assert.Equal(2, after.Size);
    }

    [Fact]
    public async Task O_CREAT_O_EXCL_on_an_existing_name_is_EEXIST()
    {
        var file = Path.Combine(m.Folder(), "once");
        Assert.Equal(0, (await Probe.AsRootAsync("open", file, "excl")).Errno);
        Assert.Equal(EEXIST, (await Probe.AsRootAsync("open", file, "excl")).Errno);
    }

    [Fact]
    public async Task A_name_made_in_a_set_group_id_directory_takes_the_directory_s_group()
    {
        var dir = m.Folder();
        Assert.Equal(0, (await Probe.AsRootAsync("chown", dir, "0", $"{Probe.WwwData}")).Errno);
        File.SetUnixFileMode(dir, (UnixFileMode)0x5FF); // 02777
        var file = Path.Combine(dir, "shared");
        Assert.Equal(0, (await Probe.AsAsync(Probe.Nobody, "write", file, "x")).Errno);
        var (_, uid, gid, _, _, _) = await StatAsync(file);
        Assert.Equal((Probe.Nobody, Probe.WwwData), (uid, gid));
    }
}
