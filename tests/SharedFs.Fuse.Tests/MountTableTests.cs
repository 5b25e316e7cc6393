using System.Diagnostics;
using SharedFs.Fuse.Tests.Infrastructure;

namespace SharedFs.Fuse.Tests;

/// <summary>mountinfo parsing, dead mounts left by a killed server, and clear mount errors.</summary>
public sealed class MountTableTests
{
    // A minimal libfuse server in C: mounting from another process is the only way to get a truly dead
    // mount (the kernel keeps it after the server is SIGKILLed and answers ENOTCONN).
    private const string HelperSource = """
        #include <fuse.h>
        #include <string.h>
        #include <errno.h>
        #include <sys/stat.h>
        static int getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
            (void)fi;
            if (strcmp(path, "/") != 0) return -ENOENT;
            memset(st, 0, sizeof *st);
            st->st_mode = S_IFDIR | 0755;
            st->st_nlink = 2;
            return 0;
        }
        static const struct fuse_operations ops = { .getattr = getattr };
        int main(int argc, char *argv[]) { return fuse_main(argc, argv, &ops, NULL); }
        """;

    [Fact]
    public void Parses_mountinfo_lines_and_unescapes_octal()
    {
        var entries = MountTable.Parse(
        [
            @"36 35 98:0 /mnt1 /mnt/with\040space\011tab rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
            @"50 27 0:45 / /tmp/x\134y rw,nosuid,nodev,relatime shared:7 - fuse.sharedfs sharedfs rw,user_id=0,group_id=0",
            "garbage",
        ]).ToArray();
        Assert.Equal(2, entries.Length);
        Assert.Equal("/mnt/with space\ttab", entries[0].MountPoint);
        Assert.Equal("ext3", entries[0].FsType);
        Assert.False(entries[0].IsFuse);
        Assert.Equal(@"/tmp/x\y", entries[1].MountPoint);
        Assert.Equal("0:45", entries[1].Device);
        Assert.True(entries[1].IsFuse);
    }

    [Fact]
    public void Mount_point_with_a_space_is_recognised()
    {
        FuseEnvironment.RequireMountable();
        string dir = Path.Combine(MountedFs.NewDirectory(), "a dir");
        Directory.CreateDirectory(dir);
        using var mount = FuseMount.Mount(new MemoryFs.MemoryFileSystem(), dir, MountedFs.Options());
        try
        {
            Assert.True(MountTable.IsFuseMount(dir));
            Assert.True(MountTable.IsFuseMount(dir + "/"));
            Assert.False(MountTable.IsFuseMount(Path.GetDirectoryName(dir)!));
        }
        finally
        {
            mount.Unmount(TimeSpan.FromSeconds(1));
            MountedFs.Cleanup(dir);
            MountedFs.Cleanup(Path.GetDirectoryName(dir)!);
        }
    }

    [Fact]
    public void Dead_mount_of_a_killed_server_is_refused_then_cleared()
    {
        FuseEnvironment.RequireMountable();
        FuseEnvironment.RequireCompiler();
        string helper = CProgram.Build("dead-mount-helper", HelperSource, linkFuse: true);
        string dir = MountedFs.NewDirectory();
        Process? server = null;
        try
        {
            server = Process.Start(new ProcessStartInfo(helper) { ArgumentList = { "-f", dir }, RedirectStandardError = true })!;
            var clock = Stopwatch.StartNew();
            while (!MountTable.IsFuseMount(dir) && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(20);
            Assert.True(MountTable.IsFuseMount(dir), "the helper did not mount");
            Assert.False(MountTable.TryClearStaleMount(dir, out string? liveError)); // live: left alone
            Assert.Contains("live FUSE filesystem", liveError);

            server.Kill();
            server.WaitForExit();
            Assert.Equal(Posix.ENOTCONN, Posix.StatErrno(Path.Combine(dir, "anything")));

            var refused = Assert.Throws<FuseMountException>(() => FuseMount.Mount(new MemoryFs.MemoryFileSystem(), dir, MountedFs.Options()));
            Assert.Contains("TryClearStaleMount", refused.Message);

            Assert.True(MountTable.TryClearStaleMount(dir, out string? error), error);
            Assert.Null(error);
            Assert.False(MountTable.IsFuseMount(dir));
            Assert.Equal(0, Posix.StatErrno(dir));
            Assert.True(MountTable.TryClearStaleMount(dir, out _)); // nothing left: still fine

            using var mount = FuseMount.Mount(new MemoryFs.MemoryFileSystem(), dir, MountedFs.Options());
            Assert.True(mount.Unmount(TimeSpan.FromSeconds(1)));
        }
        finally
        {
            if (server is { HasExited: false }) server.Kill();
            MountedFs.Cleanup(dir);
        }
    }

    [Fact]
    public void Mount_errors_are_clear_exceptions()
    {
        FuseEnvironment.RequireMountable();
        var fs = new MemoryFs.MemoryFileSystem();
        string missing = Path.Combine(Path.GetTempPath(), "sharedfs-no-such-dir-" + Guid.NewGuid().ToString("N"));
        Assert.Contains("does not exist", Assert.Throws<FuseMountException>(() => FuseMount.Mount(fs, missing, MountedFs.Options())).Message);

        string file = Path.GetTempFileName();
        try
        {
            Assert.Contains("not a directory", Assert.Throws<FuseMountException>(() => FuseMount.Mount(fs, file, MountedFs.Options())).Message);
        }
        finally
        {
            File.Delete(file);
        }

        string dir = MountedFs.NewDirectory();
        try
        {
            var bad = MountedFs.Options() with { ExtraOptions = ["no_such_fuse_option"] };
            Assert.Contains("rejected the options", Assert.Throws<FuseMountException>(() => FuseMount.Mount(fs, dir, bad)).Message);
            Assert.False(MountTable.IsFuseMount(dir));

            using var first = FuseMount.Mount(fs, dir, MountedFs.Options());
            Assert.Contains("already mounted", Assert.Throws<FuseMountException>(() => FuseMount.Mount(new MemoryFs.MemoryFileSystem(), dir, MountedFs.Options())).Message);
            first.Unmount(TimeSpan.FromSeconds(1));
        }
        finally
        {
            MountedFs.Cleanup(dir);
        }
    }
}
