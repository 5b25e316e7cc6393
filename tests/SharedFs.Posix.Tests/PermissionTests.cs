namespace SharedFs.Posix.Tests;

/// <summary>The kernel enforces the modes and owners the mount reports (default_permissions); root keeps root's powers.</summary>
public sealed class PermissionTests(PosixMount m) : IClassFixture<PosixMount>
{
    private const int EACCES = 13, EPERM = 1;

    [Fact]
    public async Task Another_user_can_neither_read_nor_overwrite_nor_remove_a_root_owned_private_file()
    {
        var dir = m.Folder(0x1ED); // 0755, root's
        var secret = Path.Combine(dir, "secret");
        await File.WriteAllTextAsync(secret, "root only");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal(EACCES, (await Probe.AsAsync(Probe.Nobody, "read", secret)).Errno);
        Assert.Equal(EACCES, (await Probe.AsAsync(Probe.Nobody, "open", secret, "w")).Errno);
        Assert.Equal(EACCES, (await Probe.AsAsync(Probe.Nobody, "unlink", secret)).Errno);
        Assert.Equal(EACCES, (await Probe.AsAsync(Probe.Nobody, "open", Path.Combine(dir, "new"), "creat")).Errno);
        Assert.Equal("root only", await File.ReadAllTextAsync(secret));
    }

    [Fact]
    public async Task Root_reads_and_writes_a_file_nobody_may_touch()
    {
        var file = Path.Combine(m.Folder(), "locked");
        await File.WriteAllTextAsync(file, "x");
        File.SetUnixFileMode(file, UnixFileMode.None);
        Assert.Equal((0, "x"), await Probe.AsRootAsync("read", file));
        Assert.Equal(0, (await Probe.AsRootAsync("write", file, "y")).Errno);
    }

    [Fact]
    public async Task A_web_worker_user_writes_where_it_may_and_owns_what_it_makes()
    {
        var dir = m.Folder(); // 0777
        var upload = Path.Combine(dir, "upload.jpg");
        Assert.Equal(0, (await Probe.AsAsync(Probe.WwwData, "write", upload, "jpeg")).Errno);
        var (mode, uid, gid, size, _, _) = Probe.Fields((await Probe.AsRootAsync("stat", upload)).Output);
        Assert.Equal((Probe.WwwData, Probe.WwwData, 4L), (uid, gid, size));
        Assert.Equal(0x81A4u, mode); // 0644 after the umask of the probe (022)
    }

    [Fact]
    public async Task Chmod_and_chown_by_someone_other_than_the_owner_are_EPERM()
    {
        var file = Path.Combine(m.Folder(), "roots");
        await File.WriteAllTextAsync(file, "x");
        Assert.Equal(EPERM, (await Probe.AsAsync(Probe.Nobody, "chmod", file, "777")).Errno);
        Assert.Equal(EPERM, (await Probe.AsAsync(Probe.Nobody, "chown", file, $"{Probe.Nobody}", $"{Probe.Nobody}")).Errno);
        var own = Path.Combine(m.Folder(), "own");
        Assert.Equal(0, (await Probe.AsAsync(Probe.Nobody, "write", own, "mine")).Errno);
        Assert.Equal(EPERM, (await Probe.AsAsync(Probe.Nobody, "chown", own, "0", "0")).Errno); // giving it away
        Assert.Equal(0, (await Probe.AsAsync(Probe.Nobody, "chmod", own, "600")).Errno);
    }

    [Fact]
    public async Task A_chown_by_a_non_root_owner_clears_set_user_id_and_set_group_id()
    {
        var file = Path.Combine(m.Folder(), "tool");
        await File.WriteAllTextAsync(file, "#!/bin/sh\n");
        File.SetUnixFileMode(file, (UnixFileMode)0xDED); // 06755
        Assert.Equal(0, (await Probe.AsRootAsync("chown", file, $"{Probe.Nobody}", $"{Probe.Nobody}")).Errno);
        File.SetUnixFileMode(file, (UnixFileMode)0xDED);
        Assert.Equal(0, (await Probe.AsAsync(Probe.Nobody, "chown", file, $"{Probe.Nobody}", $"{Probe.Nobody}")).Errno);
        var (mode, _, _, _, _, _) = Probe.Fields((await Probe.AsRootAsync("stat", file)).Output);
        Assert.Equal(0x81EDu, mode); // 0755: both bits gone
    }

    [Fact]
    public async Task In_a_sticky_directory_only_the_owner_removes_or_renames_a_name()
    {
        var dir = m.Folder(0x3FF); // 01777
        var roots = Path.Combine(dir, "roots");
        await File.WriteAllTextAsync(roots, "x");
        Assert.Equal(EPERM, (await Probe.AsAsync(Probe.Nobody, "unlink", roots)).Errno);
        Assert.Equal(EPERM, (await Probe.AsAsync(Probe.Nobody, "rename", roots, Path.Combine(dir, "stolen"))).Errno);
        var own = Path.Combine(dir, "own");
        Assert.Equal(0, (await Probe.AsAsync(Probe.Nobody, "write", own, "x")).Errno);
        Assert.Equal(0, (await Probe.AsAsync(Probe.Nobody, "unlink", own)).Errno);
        Assert.True(File.Exists(roots));
    }

    [Fact]
    public async Task O_TRUNC_of_a_file_without_write_permission_is_EACCES_and_the_content_stays()
    {
        var file = Path.Combine(m.Folder(), "readonly");
        await File.WriteAllTextAsync(file, "keep me");
        File.SetUnixFileMode(file, (UnixFileMode)0x1A4);
        Assert.Equal(EACCES, (await Probe.AsAsync(Probe.Nobody, "open", file, "trunc")).Errno);
        Assert.Equal("keep me", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Utimensat_to_now_needs_write_permission_and_to_a_given_time_needs_ownership()
    {
        var file = Path.Combine(m.Folder(), "shared");
        await File.WriteAllTextAsync(file, "x");
        File.SetUnixFileMode(file, (UnixFileMode)0x1B6); // 0666
        Assert.Equal(0, (await Probe.AsAsync(Probe.Nobody, "utime-now", file)).Errno);
        Assert.Equal(EPERM, (await Probe.AsAsync(Probe.Nobody, "utime", file, "1000", "1000")).Errno);
        File.SetUnixFileMode(file, (UnixFileMode)0x1A4); // 0644
        Assert.Equal(EACCES, (await Probe.AsAsync(Probe.Nobody, "utime-now", file)).Errno);
    }
}
