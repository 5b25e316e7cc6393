using System.Text;

namespace SharedFs.FileSystem.Tests;

/// <summary>
/// The first road: create, write, read, list, mkdir, unlink, rename on a real mount, checked in the bucket (after
/// `sync` of the mount: close() and unlink() return before the bucket has the change, see WriteBackTests).
/// </summary>
public sealed class BasicOperationTests(MountedBucket fs) : IClassFixture<MountedBucket>
{
    [Fact]
    public async Task Written_file_is_in_the_bucket_after_sync()
    {
        var path = fs.PathOf("hello.txt");
        await File.WriteAllTextAsync(path, "hello world");
        fs.Sync();
        Assert.Equal("hello world", await fs.Bucket.GetTextAsync("hello.txt"));
        Assert.Equal("hello world", await File.ReadAllTextAsync(path));
        Assert.Equal(11, new FileInfo(path).Length);
        var head = await fs.HeadAsync("hello.txt");
        Assert.NotNull(head);
        Assert.Equal(33188u, uint.Parse(head!.Metadata["mode"])); // S_IFREG|0644
    }

    [Fact]
    public async Task Empty_file_created_and_closed_is_a_zero_byte_object()
    {
        await using (File.Create(fs.PathOf("empty.bin"))) { }
        fs.Sync();
        var head = await fs.HeadAsync("empty.bin");
        Assert.NotNull(head);
        Assert.Equal(0, head!.Size);
    }

    [Fact]
    public async Task Directories_are_marker_objects_and_listed()
    {
        Directory.CreateDirectory(fs.PathOf("d1/d2"));
        await File.WriteAllTextAsync(fs.PathOf("d1/d2/f.txt"), "x");
        fs.Sync();
        var head = await fs.HeadAsync("d1/");
        Assert.NotNull(head);
        Assert.Equal("application/x-directory", head!.ContentType);
        Assert.Equal("493", head.Metadata["mode"]);
        Assert.Equal(["d2"], Directory.GetFileSystemEntries(fs.PathOf("d1")).Select(Path.GetFileName));
        Assert.Equal(["f.txt"], Directory.GetFiles(fs.PathOf("d1/d2")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Unlink_deletes_the_object()
    {
        var path = fs.PathOf("gone.txt");
        await File.WriteAllTextAsync(path, "bye");
        fs.Sync();
        File.Delete(path);
        Assert.False(File.Exists(path));
        fs.Sync();
        Assert.Null(await fs.HeadAsync("gone.txt"));
    }

    [Fact]
    public async Task Rename_moves_the_object_with_its_content()
    {
        await File.WriteAllTextAsync(fs.PathOf("before.txt"), "content");
        File.Move(fs.PathOf("before.txt"), fs.PathOf("after.txt"));
        Assert.Null(await fs.HeadAsync("before.txt"));
        Assert.Equal("content", await fs.Bucket.GetTextAsync("after.txt"));
        Assert.Equal("content", await File.ReadAllTextAsync(fs.PathOf("after.txt")));
    }

    [Fact]
    public async Task Overwrite_append_and_random_write()
    {
        var path = fs.PathOf("rw.txt");
        await File.WriteAllTextAsync(path, "0123456789");
        await File.AppendAllTextAsync(path, "abc");
        fs.Sync();
        Assert.Equal("0123456789abc", await fs.Bucket.GetTextAsync("rw.txt"));
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 3;
            await stream.WriteAsync(Encoding.ASCII.GetBytes("XY"));
        }
        fs.Sync();
        Assert.Equal("012XY56789abc", await fs.Bucket.GetTextAsync("rw.txt"));
        await File.WriteAllTextAsync(path, "short");
        fs.Sync();
        Assert.Equal("short", await fs.Bucket.GetTextAsync("rw.txt"));
    }

    [Fact]
    public async Task An_open_file_keeps_its_content_after_unlink_until_closed()
    {
        var path = fs.PathOf("unlinked-open.txt");
        await File.WriteAllTextAsync(path, "still readable");
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0);
        File.Delete(path);
        Assert.False(File.Exists(path));
        fs.Sync();
        Assert.Null(await fs.HeadAsync("unlinked-open.txt"));
        var buffer = new byte[64];
        var n = await stream.ReadAsync(buffer);
        Assert.Equal("still readable", Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public async Task Two_handles_of_one_file_see_each_others_writes()
    {
        var path = fs.PathOf("shared-handles.txt");
        await File.WriteAllTextAsync(path, "0000000000");
        await using var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 0);
        await using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0);
        writer.Position = 2;
        await writer.WriteAsync(Encoding.ASCII.GetBytes("ab"));
        var buffer = new byte[10];
        await reader.ReadExactlyAsync(buffer);
        Assert.Equal("00ab000000", Encoding.ASCII.GetString(buffer));
    }
}
