namespace SharedFs.FileSystem.Tests;

/// <summary>The errno POSIX programs expect, from every operation that can fail.</summary>
public sealed class ErrorSemanticsTests(MountedBucket fs) : IClassFixture<MountedBucket>
{
    private string Fresh(string name)
    {
        var dir = fs.PathOf("e-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    [Fact]
    public void Missing_paths_are_ENOENT()
    {
        var path = Fresh("missing");
        Assert.False(File.Exists(path));
        Assert.Equal(Posix.ENOENT, Posix.Unlink(path));
        Assert.Equal(Posix.ENOENT, Posix.RemoveDirectory(path));
        Assert.Equal(Posix.ENOENT, Posix.Rename(path, path + "2"));
        Assert.Equal(Posix.ENOENT, Posix.Truncate(path, 0));
        Assert.Throws<FileNotFoundException>(() => File.ReadAllBytes(path));
    }

    [Fact]
    public void Rmdir_of_a_non_empty_directory_is_ENOTEMPTY_and_of_a_file_ENOTDIR()
    {
        var dir = Fresh("full");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "child"), "x");
        Assert.Equal(Posix.ENOTEMPTY, Posix.RemoveDirectory(dir));
        Assert.Equal(Posix.ENOTDIR, Posix.RemoveDirectory(Path.Combine(dir, "child")));
        File.Delete(Path.Combine(dir, "child"));
        Assert.Equal(0, Posix.RemoveDirectory(dir));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task Rmdir_sees_implicit_children()
    {
        await fs.Bucket.PutTextAsync("implicit-parent/sub/deep.txt", "deep");
        Assert.True(Directory.Exists(fs.PathOf("implicit-parent/sub")));
        Assert.Equal(Posix.ENOTEMPTY, Posix.RemoveDirectory(fs.PathOf("implicit-parent")));
    }

    [Fact]
    public void Existing_names_are_EEXIST()
    {
        var path = Fresh("exists");
        File.WriteAllText(path, "x");
        Assert.Equal(Posix.EEXIST, Posix.MakeDirectory(path));
        Assert.Equal(Posix.EEXIST, Posix.CreateExclusive(path));
        var other = Fresh("other");
        File.WriteAllText(other, "y");
        Assert.Equal(Posix.EEXIST, Posix.RenameNoReplace(other, path));
        Assert.Equal("x", File.ReadAllText(path));
    }

    [Fact]
    public void Rename_follows_posix_overwrite_rules()
    {
        var file1 = Fresh("f1");
        var file2 = Path.Combine(Path.GetDirectoryName(file1)!, "f2");
        var emptyDir = Path.Combine(Path.GetDirectoryName(file1)!, "empty");
        var fullDir = Path.Combine(Path.GetDirectoryName(file1)!, "full");
        var dir = Path.Combine(Path.GetDirectoryName(file1)!, "dir");
        File.WriteAllText(file1, "one");
        File.WriteAllText(file2, "two");
        Directory.CreateDirectory(emptyDir);
        Directory.CreateDirectory(fullDir);
        File.WriteAllText(Path.Combine(fullDir, "x"), "x");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "inside"), "in");

        Assert.Equal(Posix.EISDIR, Posix.Rename(file1, emptyDir));
        Assert.Equal(Posix.ENOTDIR, Posix.Rename(dir, file1));
        Assert.Equal(Posix.ENOTEMPTY, Posix.Rename(dir, fullDir));
        Assert.Equal(0, Posix.Rename(file1, file2));
        Assert.Equal("one", File.ReadAllText(file2));
        Assert.False(File.Exists(file1));
        Assert.Equal(0, Posix.Rename(dir, emptyDir));
        Assert.Equal("in", File.ReadAllText(Path.Combine(emptyDir, "inside")));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Unlink_of_a_directory_is_EISDIR()
    {
        var dir = Fresh("adir");
        Directory.CreateDirectory(dir);
        Assert.Equal(Posix.EISDIR, Posix.Unlink(dir));
    }

    [Fact]
    public void Hard_links_are_EPERM_while_fifos_and_xattrs_are_stored()
    {
        var path = Fresh("plain");
        File.WriteAllText(path, "x");
        Assert.Equal(Posix.EPERM, Posix.Link(path, path + ".lnk"));
        Assert.Equal(0, Posix.MakeFifo(path + ".fifo"));
        Assert.Equal(Posix.ENODATA, Posix.GetXAttr(path, "user.test"));
        Assert.Equal(0, Posix.SetXAttr(path, "user.test"));
        Assert.Equal(0, Posix.GetXAttr(path, "user.test"));
        Assert.Equal(Posix.ENOTSUP, Posix.SetXAttr(path, "system.posix_acl_access"));
    }

    [Fact]
    public void Names_over_255_bytes_are_ENAMETOOLONG()
    {
        var path = Fresh(new string('n', 256));
        Assert.Equal(Posix.ENAMETOOLONG, Posix.CreateExclusive(path));
        Assert.Equal(Posix.ENAMETOOLONG, Posix.MakeDirectory(path));
        var ok = Fresh(new string('n', 255));
        Assert.Equal(0, Posix.CreateExclusive(ok));
    }
}
