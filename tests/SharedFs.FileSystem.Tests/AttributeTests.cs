using System.Text;

namespace SharedFs.FileSystem.Tests;

/// <summary>chmod, chown, utimens, symlinks, truncate and statfs, checked through stat(1) and in the bucket.</summary>
public sealed class AttributeTests(MountedBucket fs) : IClassFixture<MountedBucket>
{
    private static async Task<string> StatAsync(string path, string format = "%a %u %g %Y %s %F") =>
        (await Shell.RunAsync($"stat -c '{format}' '{path}'")).Trim();

    [Fact]
    public async Task Chmod_and_chown_are_stored_as_s3fs_metadata()
    {
        var path = fs.PathOf("owned.txt");
        await File.WriteAllTextAsync(path, "data");
        await Shell.RunAsync($"chmod 640 '{path}' && chown 1234:5678 '{path}'");
        Assert.StartsWith("640 1234 5678", await StatAsync(path));
        fs.Sync();
        var head = await fs.HeadAsync("owned.txt");
        Assert.Equal("33184", head!.Metadata["mode"]);
        Assert.Equal("1234", head.Metadata["uid"]);
        Assert.Equal("5678", head.Metadata["gid"]);
        Assert.Equal("data", await fs.Bucket.GetTextAsync("owned.txt"));
    }

    [Fact]
    public async Task Utimens_sets_mtime_with_nanoseconds_and_now_and_omit()
    {
        var path = fs.PathOf("timed.txt");
        await File.WriteAllTextAsync(path, "t");
        await Shell.RunAsync($"touch -m -d '2020-01-02 03:04:05.678 UTC' '{path}'");
        fs.Sync();
        Assert.Equal("1577934245.678000000", (await fs.HeadAsync("timed.txt"))!.Metadata["mtime"]);
        Assert.Equal("1577934245.678000000", await StatAsync(path, "%.9Y"));
        // Access time only (mtime omitted): mtime unchanged.
        await Shell.RunAsync($"touch -a -d '2021-01-01 00:00:00 UTC' '{path}'");
        Assert.Equal("1577934245.678000000", await StatAsync(path, "%.9Y"));
        await Shell.RunAsync($"touch '{path}'");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(long.Parse(await StatAsync(path, "%Y")), now - 5, now + 1);
    }

    [Fact]
    public async Task Directory_chmod_and_implicit_directory_gets_a_marker()
    {
        await fs.Bucket.PutTextAsync("implicit/child.txt", "c");
        var dir = fs.PathOf("implicit");
        Assert.StartsWith("755 ", await StatAsync(dir));
        await Shell.RunAsync($"chmod 700 '{dir}'");
        Assert.StartsWith("700 ", await StatAsync(dir));
        Assert.Equal("448", (await fs.HeadAsync("implicit/"))!.Metadata["mode"]);
    }

    [Fact]
    public async Task Symlinks_are_stored_as_s3fs_does()
    {
        var link = fs.PathOf("link");
        File.CreateSymbolicLink(link, "target/file.txt");
        Assert.Equal("target/file.txt", new FileInfo(link).LinkTarget);
        Assert.Equal("target/file.txt", await fs.Bucket.GetTextAsync("link"));
        Assert.Equal("41471", (await fs.HeadAsync("link"))!.Metadata["mode"]);
        Assert.EndsWith("symbolic link", await StatAsync(link));
    }

    [Fact]
    public async Task Truncate_shrinks_and_grows_with_zeros()
    {
        var path = fs.PathOf("trunc.bin");
        await File.WriteAllTextAsync(path, "0123456789");
        Assert.Equal(0, Posix.Truncate(path, 4));
        Assert.Equal("0123", await fs.Bucket.GetTextAsync("trunc.bin"));
        Assert.Equal(0, Posix.Truncate(path, 8));
        Assert.Equal("0123\0\0\0\0", await fs.Bucket.GetTextAsync("trunc.bin"));
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.SetLength(2);
            stream.Position = 5;
            stream.Write(Encoding.ASCII.GetBytes("Z"));
        }
        fs.Sync();
        Assert.Equal("01\0\0\0Z", await fs.Bucket.GetTextAsync("trunc.bin"));
        Assert.Equal("01\0\0\0Z", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Statfs_reports_a_large_filesystem()
    {
        var output = await Shell.RunAsync($"df -B1 --output=size,avail '{fs.Root}' | tail -1");
        var numbers = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        Assert.True(numbers[0] > 1L << 40 && numbers[1] > 1L << 40, output);
        Assert.Contains("sharedfs", await Shell.RunAsync($"grep ' {fs.Root} ' /proc/mounts"));
    }

    [Fact]
    public async Task Fsync_stores_the_data_before_close()
    {
        var path = fs.PathOf("synced.txt");
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        stream.Write(Encoding.ASCII.GetBytes("durable"));
        stream.Flush(flushToDisk: true);
        Assert.Equal("durable", await fs.Bucket.GetTextAsync("synced.txt"));
    }
}
