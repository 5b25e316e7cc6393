using System.Diagnostics;
using SharedFs.TestSupport;

namespace SharedFs.FileSystem.Tests;

/// <summary>Two mounts of one bucket (two machines): changes in one are seen in the other within TTL + 1 s.</summary>
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

    /// <summary>Polls until the condition holds; fails when it takes longer than TTL + 1 s.</summary>
    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"not seen within TTL + 1 s: {what}");
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
        await EventuallyAsync(() => TryRead(InB("shared.txt")) == "version 1", "new file");
        await File.WriteAllTextAsync(a.PathOf("shared.txt"), "version 2, longer");
        await EventuallyAsync(() => TryRead(InB("shared.txt")) == "version 2, longer", "new content");
        await File.WriteAllTextAsync(a.PathOf("shared.txt"), "version 3 (same size)");
        await File.WriteAllTextAsync(a.PathOf("shared.txt"), "version 4 (same size)");
        await EventuallyAsync(() => TryRead(InB("shared.txt")) == "version 4 (same size)", "same-size rewrite");
    }

    [Fact]
    public async Task A_delete_in_A_disappears_in_B()
    {
        await File.WriteAllTextAsync(a.PathOf("doomed.txt"), "x");
        await EventuallyAsync(() => File.Exists(InB("doomed.txt")), "created");
        File.Delete(a.PathOf("doomed.txt"));
        await EventuallyAsync(() => !File.Exists(InB("doomed.txt")), "deleted");
    }

    [Fact]
    public async Task A_chmod_in_B_of_a_file_A_wrote_is_seen_in_A_although_A_can_prove_its_own_copy()
    {
        Directory.CreateDirectory(a.PathOf("proven"));
        for (var i = 0; i < 5; i++) await File.WriteAllTextAsync(a.PathOf($"proven/f{i}"), "mine");
        a.Sync();
        // A confirms its own uploads ~2 s later: from then on listings prove them unchanged without a HEAD.
        await Task.Delay(3500);
        _ = Directory.GetFiles(a.PathOf("proven"));
        await EventuallyAsync(() => File.Exists(InB("proven/f3")), "B sees the file");
        File.SetUnixFileMode(InB("proven/f3"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // Same content, same ETag: only the new Last-Modified tells A's listing that its copy is stale.
        await EventuallyAsync(() => File.GetUnixFileMode(a.PathOf("proven/f3")) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "the chmod");
        foreach (var i in new[] { 0, 1, 2, 4 }) Assert.Equal("mine", await File.ReadAllTextAsync(a.PathOf($"proven/f{i}")));
    }

    [Fact]
    public async Task A_listing_in_B_shows_As_new_file()
    {
        Directory.CreateDirectory(a.PathOf("listed"));
        await EventuallyAsync(() => Directory.Exists(InB("listed")), "directory");
        _ = Directory.GetFiles(InB("listed"));
        await File.WriteAllTextAsync(a.PathOf("listed/new.txt"), "n");
        await EventuallyAsync(() => Directory.GetFiles(InB("listed")).Select(Path.GetFileName).Contains("new.txt"), "listing");
    }
}
