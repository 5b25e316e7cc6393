using SharedFs.Fuse.Tests.Infrastructure;
using SharedFs.Fuse.Tests.MemoryFs;

namespace SharedFs.Fuse.Tests;

/// <summary>Listings (readdirplus) and the errno a caller sees when the filesystem refuses.</summary>
public sealed class DirectoryAndErrorTests : IDisposable
{
    // Long timeouts: the attributes handed over by readdirplus must still be cached when ls -l stats.
    private readonly MountedFs _m = MountedFs.Start(cacheTimeout: TimeSpan.FromSeconds(30));

    public void Dispose() => _m.Dispose();

    [Fact]
    public void Large_listing_with_attributes_needs_no_lookup_per_entry()
    {
        const int count = 1500;
        Directory.CreateDirectory(_m.PathOf("many"));
        for (int i = 0; i < count; i++)
            _m.Fs.AddFile($"/many/file-{i:D4}", new byte[i % 17]);

        int before = _m.Fs.GetAttrCalls;
        string listing = Programs.RunOk("ls", "-l", "--time-style=+", _m.PathOf("many"));
        int getAttrs = _m.Fs.GetAttrCalls - before;

        var lines = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("file-")).ToArray();
        Assert.Equal(count, lines.Length);
        Assert.Contains(lines, l => l.EndsWith(" 16  file-0016", StringComparison.Ordinal));
        Assert.True(getAttrs < count / 10, $"ls -l needed {getAttrs} getattr calls for {count} entries: readdirplus attributes were not used");

        var names = Directory.GetFiles(_m.PathOf("many")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"file-{i:D4}"), names);
    }

    [Fact]
    public void Errors_reach_the_caller_as_errno()
    {
        Directory.CreateDirectory(_m.PathOf("dir/sub"));
        File.WriteAllText(_m.PathOf("file"), "x");

        Assert.Equal(Posix.ENOENT, Posix.StatErrno(_m.PathOf("missing")));
        Assert.Equal(Posix.EEXIST, Posix.Errno(Posix.mkdir(_m.PathOf("dir"), 493)));
        Assert.Equal(Posix.EEXIST, Posix.CreateExclusive(_m.PathOf("file")));
        Assert.Equal(Posix.ENOTEMPTY, Posix.Errno(Posix.rmdir(_m.PathOf("dir"))));
        Assert.Equal(Posix.ENOTDIR, Posix.Errno(Posix.rmdir(_m.PathOf("file"))));
        Assert.Equal(Posix.EISDIR, Posix.Errno(Posix.unlink(_m.PathOf("dir"))));
        Assert.Equal(Posix.ENOENT, Posix.Errno(Posix.rename(_m.PathOf("missing"), _m.PathOf("other"))));
        Directory.CreateDirectory(_m.PathOf("empty"));
        Assert.Equal(Posix.ENOTEMPTY, Posix.Errno(Posix.rename(_m.PathOf("empty"), _m.PathOf("dir"))));
        Assert.Equal(Posix.EISDIR, Posix.Errno(Posix.rename(_m.PathOf("file"), _m.PathOf("empty"))));
    }

    [Fact]
    public void Errors_reach_dotnet_and_real_programs()
    {
        Directory.CreateDirectory(_m.PathOf("full/sub"));
        Assert.Throws<FileNotFoundException>(() => File.ReadAllText(_m.PathOf("missing")));
        Assert.Throws<DirectoryNotFoundException>(() => Directory.GetFiles(_m.PathOf("nodir")));
        var notEmpty = Assert.Throws<IOException>(() => Directory.Delete(_m.PathOf("full")));
        Assert.Contains("not empty", notEmpty.Message, StringComparison.OrdinalIgnoreCase);

        var cat = Programs.Run("cat", _m.PathOf("missing"));
        Assert.Equal(1, cat.ExitCode);
        Assert.Contains("No such file or directory", cat.Error);
        Assert.Contains("File exists", Programs.Run("mkdir", _m.PathOf("full")).Error);
        Assert.Contains("Directory not empty", Programs.Run("rmdir", _m.PathOf("full")).Error);
        Assert.Contains("No such file or directory", Programs.Run("ls", _m.PathOf("missing")).Error);
        Assert.Contains("No such file or directory", Programs.Run("mv", _m.PathOf("missing"), _m.PathOf("x")).Error);
    }

    [Fact]
    public void Exception_in_a_callback_becomes_EIO_and_the_mount_survives()
    {
        string exploding = _m.PathOf(MemoryFileSystem.ExplodingName);
        Assert.Equal(Posix.EIO, Posix.StatErrno(exploding));
        Assert.Contains("Input/output error", Programs.Run("cat", exploding).Error);

        File.WriteAllText(_m.PathOf("fine"), "still serving");
        Assert.Equal("still serving", File.ReadAllText(_m.PathOf("fine")));
        Assert.True(MountTable.IsFuseMount(_m.Dir));
    }
}
