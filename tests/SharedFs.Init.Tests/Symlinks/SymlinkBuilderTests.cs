using SharedFs.Init.Logging;
using SharedFs.Init.Native;
using SharedFs.Init.Symlinks;

namespace SharedFs.Init.Tests.Symlinks;

/// <summary>The "mount" is a plain temporary directory: the builder only needs a path.</summary>
public sealed class SymlinkBuilderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sharedfs-links-").FullName;
    private readonly StringWriter _log = new();
    private string App => Path.Combine(_root, "app");
    private string Mount => Path.Combine(_root, "storage");

    public SymlinkBuilderTests()
    {
        Directory.CreateDirectory(App);
        Directory.CreateDirectory(Mount);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private SymlinkBuilder Builder() => new(App, Mount, new Log(_log));

    private void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    [Fact]
    public void Missing_path_gets_parents_and_a_link_into_a_new_storage_directory()
    {
        Builder().Build(["public/uploads"]);
        string link = Path.Combine(App, "public/uploads");
        Assert.Equal(Path.Combine(Mount, "public/uploads"), new FileInfo(link).LinkTarget);
        Assert.True(Directory.Exists(Path.Combine(Mount, "public/uploads")));
        Assert.Contains("linked public/uploads -> ", _log.ToString());
    }

    [Fact]
    public void With_an_owner_what_goes_into_storage_is_its_and_the_app_root_is_left_alone()
    {
        SharedFs.TestSupport.Requirements.Root(); // chown to another user
        var owner = new StorageOwner(12345, 23456);
        Write(Path.Combine(App, "data/shipped.txt"), "shipped");
        Write(Path.Combine(App, "data/sub/deep.txt"), "deep");
        File.SetUnixFileMode(Path.Combine(App, "data/shipped.txt"), (UnixFileMode)0x1A0); // 0640 stays 0640
        Directory.CreateDirectory(Path.Combine(Mount, "older")); // made by an earlier boot as root

        new SymlinkBuilder(App, Mount, new Log(_log), owner).Build(["data", "nested/links/here", "older"]);

        foreach (string made in new[] { "data", "data/shipped.txt", "data/sub", "data/sub/deep.txt", "nested", "nested/links", "nested/links/here", "older" })
            Assert.Equal((12345u, 23456u), Libc.Owner(Path.Combine(Mount, made)));
        Assert.Equal((UnixFileMode)0x1A0, File.GetUnixFileMode(Path.Combine(Mount, "data/shipped.txt")));
        Assert.Equal((0u, 0u), Libc.Owner(Path.Combine(App, "nested/links")));
        Assert.Equal((0u, 0u), Libc.Owner(Path.Combine(Mount)));
        Assert.Contains($"gave {Path.Combine(Mount, "older")} to uid 12345, gid 23456", _log.ToString());
        Assert.DoesNotContain("gave " + Path.Combine(Mount, "data"), _log.ToString());
    }

    [Fact]
    public void Shipped_files_move_into_storage_and_conflicts_are_kept_and_reported()
    {
        Write(Path.Combine(App, "data/new.txt"), "from slug");
        Write(Path.Combine(App, "data/sub/deep.txt"), "deep");
        Write(Path.Combine(App, "data/same.txt"), "identical");
        Write(Path.Combine(App, "data/clash.txt"), "slug version");
        Write(Path.Combine(Mount, "data/same.txt"), "identical");
        Write(Path.Combine(Mount, "data/clash.txt"), "storage version");

        IReadOnlyList<Conflict> conflicts = Builder().Build(["data"]);

        Assert.Equal("from slug", File.ReadAllText(Path.Combine(Mount, "data/new.txt")));
        Assert.Equal("deep", File.ReadAllText(Path.Combine(Mount, "data/sub/deep.txt")));
        Assert.Equal("storage version", File.ReadAllText(Path.Combine(Mount, "data/clash.txt")));
        Conflict conflict = Assert.Single(conflicts);
        Assert.Equal("data/clash.txt", conflict.RelativePath);
        Assert.Equal(Path.Combine(App, ".sharedfs-conflicts/data/clash.txt"), conflict.KeptAt);
        Assert.Equal("slug version", File.ReadAllText(conflict.KeptAt));
        Assert.Contains("conflict: data/clash.txt", _log.ToString());
        Assert.Equal(Path.Combine(Mount, "data"), new FileInfo(Path.Combine(App, "data")).LinkTarget);
        Assert.Empty(Directory.EnumerateFiles(Mount, "*.sharedfs-tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_second_conflict_on_a_later_boot_does_not_overwrite_the_first_kept_copy()
    {
        Write(Path.Combine(Mount, "data/clash.txt"), "storage");
        Write(Path.Combine(App, "data/clash.txt"), "first boot");
        Builder().Build(["data"]);
        File.Delete(Path.Combine(App, "data"));            // a new slug ships the directory again
        Write(Path.Combine(App, "data/clash.txt"), "second boot");
        Builder().Build(["data"]);
        Assert.Equal("first boot", File.ReadAllText(Path.Combine(App, ".sharedfs-conflicts/data/clash.txt")));
        Assert.Equal("second boot", File.ReadAllText(Path.Combine(App, ".sharedfs-conflicts/data/clash.txt.1")));
    }

    [Fact]
    public void Symlinks_inside_a_shipped_directory_are_kept_as_conflicts()
    {
        Write(Path.Combine(App, "data/real.txt"), "x");
        File.CreateSymbolicLink(Path.Combine(App, "data/alias"), "real.txt");
        IReadOnlyList<Conflict> conflicts = Builder().Build(["data"]);
        Assert.Equal("data/alias", Assert.Single(conflicts).RelativePath);
        Assert.Equal("real.txt", new FileInfo(Path.Combine(App, ".sharedfs-conflicts/data/alias")).LinkTarget);
    }

    [Fact]
    public void Existing_file_at_the_path_is_refused_and_left_untouched()
    {
        Write(Path.Combine(App, "config.yml"), "keep me");
        Assert.Contains("is a file", Assert.Single(Builder().Preflight(["config.yml"])));
        Assert.Throws<SymlinkException>(() => Builder().Build(["config.yml"]));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(App, "config.yml")));
    }

    [Fact]
    public void Existing_correct_link_is_left_alone_and_running_twice_gives_the_same_result()
    {
        Write(Path.Combine(App, "data/a.txt"), "a");
        Builder().Build(["data", "logs"]);
        var before = Snapshot();
        Builder().Build(["data", "logs"]);
        Assert.Equal(before, Snapshot());
        Assert.Contains("data already links to", _log.ToString());
    }

    [Fact]
    public void Link_to_somewhere_else_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(App, "elsewhere"));
        File.CreateSymbolicLink(Path.Combine(App, "data"), Path.Combine(App, "elsewhere"));
        Assert.Contains("is a symlink to", Assert.Single(Builder().Preflight(["data"])));
    }

    [Fact]
    public void Path_through_a_symlinked_parent_leading_outside_the_app_root_is_refused()
    {
        string outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(outside);
        File.CreateSymbolicLink(Path.Combine(App, "escape"), outside);
        Assert.Contains("does not lead to a directory inside the app root", Assert.Single(Builder().Preflight(["escape/data"])));
        Assert.Throws<SymlinkException>(() => Builder().Build(["escape/data"]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public void Path_through_a_symlinked_parent_staying_inside_the_app_root_is_fine()
    {
        Directory.CreateDirectory(Path.Combine(App, "shared"));
        File.CreateSymbolicLink(Path.Combine(App, "alias"), Path.Combine(App, "shared"));
        Builder().Build(["alias/data"]);
        Assert.Equal(Path.Combine(Mount, "alias/data"), new FileInfo(Path.Combine(App, "shared/data")).LinkTarget);
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("../x")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("")]
    public void Unsafe_paths_are_refused_without_touching_anything(string path)
    {
        Assert.Single(Builder().Preflight([path]));
        Assert.Throws<SymlinkException>(() => Builder().Build([path]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(App));
    }

    private List<string> Snapshot() =>
        Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories)
            .Select(p => $"{p} -> {new FileInfo(p).LinkTarget}").Order().ToList();
}
