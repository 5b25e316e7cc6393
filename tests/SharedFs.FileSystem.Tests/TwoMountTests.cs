using SharedFs.TestSupport;

namespace SharedFs.FileSystem.Tests;

/// <summary>Two mounts of one bucket (two machines): what one changed and saw return, the other's next open(), new-name lookup and readdir() see at once.</summary>
public sealed class TwoMountTests(MountedBucket a) : IClassFixture<MountedBucket>, IAsyncLifetime
{
    private readonly TempDirectory _folder = new("sharedfs-b");
    private SharedFsMount _b = null!;

    private string InB(string relative) => Path.Combine(_b.MountPoint, relative);

    public async Task InitializeAsync() =>
        _b = await MountedBucket.MountAsync(a.Bucket, _folder.Combine("mnt"), _folder.Combine("staging"));

    public async Task DisposeAsync()
    {
        try { await _b.UnmountAsync(); }
        finally
        {
            MountCleanup.UnmountEverything(_folder.Path);
            _folder.Dispose();
        }
    }

    /// <summary>
    /// For what may stay cached: a file's attributes B already knows serve stat() for the TTL (as NFS's attribute
    /// cache). Waits for the condition itself; the deadline is one only a hang reaches.
    /// </summary>
    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not seen within 30 s: {what}");
            await Task.Delay(50);
        }
    }

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
    }

    [Fact]
    public async Task A_file_written_in_A_is_read_with_its_new_content_in_B()
    {
        await File.WriteAllTextAsync(a.PathOf("shared.txt"), "version 1");
        Assert.Equal("version 1", TryRead(InB("shared.txt")));
        await File.WriteAllTextAsync(a.PathOf("shared.txt"), "version 2, longer");
        Assert.Equal("version 2, longer", TryRead(InB("shared.txt")));
        await File.WriteAllTextAsync(a.PathOf("shared.txt"), "version 3 (same size)");
        Assert.Equal("version 3 (same size)", TryRead(InB("shared.txt")));
        await File.WriteAllTextAsync(a.PathOf("shared.txt"), "version 4 (same size)");
        Assert.Equal("version 4 (same size)", TryRead(InB("shared.txt")));
    }

    [Fact]
    public async Task A_delete_in_A_makes_Bs_next_open_fail_and_its_stat_follows_within_the_ttl()
    {
        await File.WriteAllTextAsync(a.PathOf("doomed.txt"), "x");
        Assert.True(File.Exists(InB("doomed.txt")));
        Assert.Equal("x", TryRead(InB("doomed.txt")));
        File.Delete(a.PathOf("doomed.txt"));
        Assert.Throws<FileNotFoundException>(() => File.ReadAllText(InB("doomed.txt")));
        await WaitForAsync(() => !File.Exists(InB("doomed.txt")), "deleted, for stat()");
    }

    [Fact]
    public async Task A_chmod_in_B_of_a_file_A_wrote_is_seen_in_A_although_A_can_prove_its_own_copy()
    {
        Directory.CreateDirectory(a.PathOf("proven"));
        for (var i = 0; i < 5; i++) await File.WriteAllTextAsync(a.PathOf($"proven/f{i}"), "mine");
        a.Sync();
        _ = Directory.GetFiles(a.PathOf("proven"));
        Assert.True(File.Exists(InB("proven/f3")));
        File.SetUnixFileMode(InB("proven/f3"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // Same content, same ETag: only the new Last-Modified tells A's listing that its copy is stale.
        await WaitForAsync(() => File.GetUnixFileMode(a.PathOf("proven/f3")) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "the chmod");
        foreach (var i in new[] { 0, 1, 2, 4 }) Assert.Equal("mine", await File.ReadAllTextAsync(a.PathOf($"proven/f{i}")));
    }

    [Fact]
    public async Task A_listing_in_B_shows_As_new_directory_and_file()
    {
        _ = Directory.GetDirectories(InB("."));
        Directory.CreateDirectory(a.PathOf("listed"));
        Assert.Contains("listed", Directory.GetDirectories(InB(".")).Select(Path.GetFileName));
        Assert.True(Directory.Exists(InB("listed")));
        _ = Directory.GetFiles(InB("listed"));
        await File.WriteAllTextAsync(a.PathOf("listed/new.txt"), "n");
        Assert.Contains("new.txt", Directory.GetFiles(InB("listed")).Select(Path.GetFileName));
    }
}
