using System.Text;
using SharedFs.Fuse.Tests.Infrastructure;

namespace SharedFs.Fuse.Tests;

/// <summary>Ordinary file work through the real kernel mount: .NET APIs and real programs.</summary>
public sealed class FileOperationTests : IDisposable
{
    private readonly MountedFs _m = MountedFs.Start();

    public void Dispose() => _m.Dispose();

    [Fact]
    public void Mount_is_listed_in_mountinfo_with_its_type_and_initialized_was_called()
    {
        Assert.True(MountTable.IsFuseMount(_m.Dir));
        var entry = MountTable.Find(_m.Dir)!.Value;
        Assert.Equal("fuse.memfs", entry.FsType);
        Assert.Equal("memfs-test", entry.Source);
        Assert.Equal(1, _m.Fs.InitializedCalls);
    }

    [Fact]
    public void Create_write_read_append_and_truncate()
    {
        string file = _m.PathOf("a.txt");
        File.WriteAllText(file, "hello");
        Assert.Equal("hello", File.ReadAllText(file));
        File.AppendAllText(file, " world");
        Assert.Equal("hello world", File.ReadAllText(file));
        Assert.Equal("hello world", Programs.RunOk("cat", file));

        using (var stream = new FileStream(file, System.IO.FileMode.Open, FileAccess.ReadWrite))
            stream.SetLength(5);
        Assert.Equal("hello", File.ReadAllText(file));
        Assert.Equal(5, new FileInfo(file).Length);

        File.WriteAllText(file, "x"); // O_TRUNC on open
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void Large_file_round_trips_through_big_writes_and_reads()
    {
        var data = new byte[3 * 1024 * 1024 + 123];
        new Random(7).NextBytes(data);
        string file = _m.PathOf("big.bin");
        File.WriteAllBytes(file, data);
        Assert.Equal(data, File.ReadAllBytes(file));
        Assert.Equal(data.Length, new FileInfo(file).Length);
    }

    [Fact]
    public void Mkdir_rename_unlink_rmdir()
    {
        Directory.CreateDirectory(_m.PathOf("d1/d2"));
        File.WriteAllText(_m.PathOf("d1/d2/f"), "data");
        Programs.RunOk("mv", _m.PathOf("d1/d2/f"), _m.PathOf("d1/g"));
        Assert.False(File.Exists(_m.PathOf("d1/d2/f")));
        Assert.Equal("data", File.ReadAllText(_m.PathOf("d1/g")));

        File.Move(_m.PathOf("d1/g"), _m.PathOf("top"));
        Directory.Move(_m.PathOf("d1"), _m.PathOf("renamed"));
        Assert.True(Directory.Exists(_m.PathOf("renamed/d2")));

        File.Delete(_m.PathOf("top"));
        Assert.False(File.Exists(_m.PathOf("top")));
        Directory.Delete(_m.PathOf("renamed/d2"));
        Directory.Delete(_m.PathOf("renamed"));
        Assert.Empty(Directory.GetFileSystemEntries(_m.Dir));
    }

    [Fact]
    public void Symlink_and_readlink()
    {
        File.WriteAllText(_m.PathOf("target"), "via link");
        File.CreateSymbolicLink(_m.PathOf("link"), "target");
        Assert.Equal("target", new FileInfo(_m.PathOf("link")).LinkTarget);
        Assert.Equal("target", Programs.RunOk("readlink", _m.PathOf("link")).Trim());
        Assert.Equal("via link", File.ReadAllText(_m.PathOf("link")));
        Assert.Equal("via link", Programs.RunOk("cat", _m.PathOf("link")));
    }

    [Fact]
    public void Chmod_chown_and_utimens()
    {
        string file = _m.PathOf("attrs");
        File.WriteAllText(file, "x");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(file));

        Programs.RunOk("chown", "1234:5678", file);
        Assert.Equal("1234 5678", Programs.RunOk("stat", "-c", "%u %g", file).Trim());

        var when = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file, when);
        Assert.Equal(when, File.GetLastWriteTimeUtc(file));
        Programs.RunOk("touch", "-a", "-d", "2010-01-01 00:00:00Z", file);
        Assert.Equal(new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastAccessTimeUtc(file));
        Assert.Equal(when, File.GetLastWriteTimeUtc(file)); // UTIME_OMIT kept mtime
    }

    [Fact]
    public void Statfs_reports_the_filesystem_numbers()
    {
        var output = Programs.RunOk("stat", "-f", "-c", "%S %b %f %a %c %d %l", _m.Dir).Trim();
        Assert.Equal($"4096 {1 << 20} {1 << 19} {1 << 19} {1 << 16} {1 << 15} 255", output);
    }

    [Fact]
    public void Xattrs_of_a_filesystem_without_them_are_unsupported_but_harmless()
    {
        string file = _m.PathOf("x");
        File.WriteAllText(file, "x");
        // The default answer (ENOSYS) makes the kernel answer EOPNOTSUPP itself from then on.
        Assert.Equal(Posix.ENOTSUP, Posix.Errno(Posix.setxattr(file, "user.k", Encoding.UTF8.GetBytes("v"), 1, 0)));
        Assert.Equal(Posix.ENOTSUP, Posix.Errno(Posix.getxattr(file, "user.k", null, 0)));
        Assert.Contains("Operation not supported", Programs.Run("getfattr", "-d", file).Error);
        Assert.Contains("Operation not supported", Programs.Run("setfattr", "-n", "user.k", "-v", "v", file).Error);
        Assert.Equal("x", File.ReadAllText(file)); // and the file is untouched
    }

    [Fact]
    public void Unlinked_open_file_stays_readable_through_its_handle()
    {
        string file = _m.PathOf("doomed");
        File.WriteAllText(file, "still here");
        using var stream = new FileStream(file, System.IO.FileMode.Open, FileAccess.Read);
        File.Delete(file);
        Assert.False(File.Exists(file));
        Assert.Equal("still here", new StreamReader(stream).ReadToEnd());
        Assert.DoesNotContain(Directory.GetFileSystemEntries(_m.Dir), e => e.Contains(".fuse_hidden"));
    }
}
