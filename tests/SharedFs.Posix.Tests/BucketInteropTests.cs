namespace SharedFs.Posix.Tests;

/// <summary>What other tools leave in buckets, and what they find in the objects SharedFs writes.</summary>
public sealed class BucketInteropTests(PosixMount m) : IClassFixture<PosixMount>
{
    [Fact]
    public async Task A_directory_object_without_a_slash_as_old_s3fs_wrote_it_is_a_directory()
    {
        var folder = Path.GetFileName(m.Folder());
        await m.Bucket.Client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
        {
            BucketName = m.Bucket.Name, Key = folder + "/olddir", ContentBody = "", ContentType = "application/x-directory",
        });
        await m.Bucket.PutTextAsync(folder + "/olddir/inside.txt", "in");
        var path = Path.Combine(m.Mount.MountPoint, folder, "olddir");
        Assert.True(Directory.Exists(path));
        Assert.Equal(["inside.txt"], Directory.GetFiles(path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Directories_and_files_put_by_other_tools_show_default_modes_and_the_mount_s_owner()
    {
        var folder = Path.GetFileName(m.Folder());
        await m.Bucket.PutTextAsync(folder + "/tool/made/file.txt", "by rclone");
        var dir = Probe.Fields((await Probe.AsRootAsync("stat", Path.Combine(m.Mount.MountPoint, folder, "tool", "made"))).Output);
        var file = Probe.Fields((await Probe.AsRootAsync("stat", Path.Combine(m.Mount.MountPoint, folder, "tool", "made", "file.txt"))).Output);
        Assert.Equal((0x41EDu, 0u, 0u), (dir.Mode, dir.Uid, dir.Gid));
        Assert.Equal((0x81A4u, 0u, 0u), (file.Mode, file.Uid, file.Gid));
    }

    [Fact]
    public async Task A_new_object_gets_its_content_type_from_its_name()
    {
        var folder = m.Folder();
        await File.WriteAllBytesAsync(Path.Combine(folder, "photo.jpg"), [0xFF, 0xD8, 0xFF]);
        await File.WriteAllTextAsync(Path.Combine(folder, "style.css"), "a{}");
        var prefix = Path.GetFileName(folder) + "/";
        Assert.Equal("image/jpeg", (await m.Bucket.Client.GetObjectMetadataAsync(m.Bucket.Name, prefix + "photo.jpg")).Headers.ContentType);
        Assert.Equal("text/css", (await m.Bucket.Client.GetObjectMetadataAsync(m.Bucket.Name, prefix + "style.css")).Headers.ContentType);
    }

    [Fact]
    public async Task Git_clones_and_finds_its_tree_clean_on_the_mount()
    {
        var source = Path.Combine(Path.GetTempPath(), "sharedfs-git-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(source);
        try
        {
            await Shell.RunAsync("git", "-C", source, "init", "-q");
            await File.WriteAllTextAsync(Path.Combine(source, "README"), "hello\n");
            await Shell.RunAsync("git", "-C", source, "add", "README");
            await Shell.RunAsync("git", "-C", source, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "first");
            var clone = Path.Combine(m.Folder(), "clone");
            await Shell.RunAsync("git", "clone", "-q", source, clone);
            Assert.Equal("", (await Shell.RunAsync("git", "-C", clone, "status", "--porcelain")).Trim());
            Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(clone, "README")));
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }
}
