namespace SharedFs.Posix.Tests;

/// <summary>rename(2) in all its POSIX cases.</summary>
public sealed class RenameTests(PosixMount m) : IClassFixture<PosixMount>
{
    private const int ENOTEMPTY = 39, EINVAL = 22, EISDIR = 21, ENOTDIR = 20;

    [Fact]
    public async Task A_directory_replaces_an_empty_one_but_not_a_full_one()
    {
        var root = m.Folder();
        Directory.CreateDirectory(Path.Combine(root, "src"));
        await File.WriteAllTextAsync(Path.Combine(root, "src", "f"), "f");
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        Directory.CreateDirectory(Path.Combine(root, "full"));
        await File.WriteAllTextAsync(Path.Combine(root, "full", "g"), "g");

        Assert.Equal(ENOTEMPTY, (await Probe.AsRootAsync("rename", Path.Combine(root, "src"), Path.Combine(root, "full"))).Errno);
        Assert.Equal(0, (await Probe.AsRootAsync("rename", Path.Combine(root, "src"), Path.Combine(root, "empty"))).Errno);
        Assert.Equal("f", await File.ReadAllTextAsync(Path.Combine(root, "empty", "f")));
        Assert.False(Directory.Exists(Path.Combine(root, "src")));
        Assert.Empty((await m.Bucket.ListKeysAsync(Path.GetFileName(root) + "/src")));
    }

    [Fact]
    public async Task Posix_s_refusals_are_the_errno_it_names()
    {
        var root = m.Folder();
        Directory.CreateDirectory(Path.Combine(root, "d", "inner"));
        await File.WriteAllTextAsync(Path.Combine(root, "f"), "f");
        Assert.Equal(EINVAL, (await Probe.AsRootAsync("rename", Path.Combine(root, "d"), Path.Combine(root, "d", "inner", "x"))).Errno);
        Assert.Equal(EISDIR, (await Probe.AsRootAsync("rename", Path.Combine(root, "f"), Path.Combine(root, "d"))).Errno);
        Assert.Equal(ENOTDIR, (await Probe.AsRootAsync("rename", Path.Combine(root, "d"), Path.Combine(root, "f"))).Errno);
        Assert.Equal(0, (await Probe.AsRootAsync("rename", Path.Combine(root, "f"), Path.Combine(root, "f"))).Errno);
        Assert.Equal("f", await File.ReadAllTextAsync(Path.Combine(root, "f")));
    }

    [Fact]
    public async Task A_file_renamed_over_another_replaces_it_and_gets_a_new_ctime()
    {
        var root = m.Folder();
        var (from, to) = (Path.Combine(root, "new"), Path.Combine(root, "current"));
        await File.WriteAllTextAsync(to, "old version");
        await File.WriteAllTextAsync(from, "new version");
        var before = Probe.Fields((await Probe.AsRootAsync("stat", from)).Output).CTime;
        while ((decimal)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 < Math.Floor(before) + 1) await Task.Delay(20);
        Assert.Equal(0, (await Probe.AsRootAsync("rename", from, to)).Errno);
        Assert.Equal("new version", await File.ReadAllTextAsync(to));
        Assert.True(Probe.Fields((await Probe.AsRootAsync("stat", to)).Output).CTime > before);
        Assert.False(File.Exists(from));
    }
}
