namespace SharedFs.FileSystem.Tests;

/// <summary>Real programs on the mount: cp, mv, rm -r, tar, find, ls; and keys other tools put in the bucket.</summary>
public sealed class ProgramTests(MountedBucket fs, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<MountedBucket>
{
    [Fact]
    public async Task Tar_cp_mv_find_and_rm_r_round_trip_a_tree()
    {
        using var source = new SharedFs.TestSupport.TempDirectory("sharedfs-src");
        Directory.CreateDirectory(source.Combine("tree/a/b"));
        File.WriteAllText(source.Combine("tree/top.txt"), "top");
        File.WriteAllText(source.Combine("tree/a/mid.txt"), "mid");
        File.WriteAllBytes(source.Combine("tree/a/b/bin.dat"), Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray());
        File.CreateSymbolicLink(source.Combine("tree/a/link"), "mid.txt");

        await Shell.RunAsync($"tar -C '{source.Path}' -cf - tree | tar -C '{fs.Root}' -xf -");
        await Shell.RunAsync($"diff -r '{source.Combine("tree")}' '{fs.PathOf("tree")}'");
        await Shell.RunAsync($"cp -a '{fs.PathOf("tree")}' '{fs.PathOf("copy")}'");
        await Shell.RunAsync($"diff -r '{source.Combine("tree")}' '{fs.PathOf("copy")}'");
        await Shell.RunAsync($"mv '{fs.PathOf("copy")}' '{fs.PathOf("moved")}'");
        var found = (await Shell.RunAsync($"cd '{fs.PathOf("moved")}' && find . | sort")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([".", "./a", "./a/b", "./a/b/bin.dat", "./a/link", "./a/mid.txt", "./top.txt"], found);
        Assert.Equal("mid", await fs.Bucket.GetTextAsync("moved/a/mid.txt"));
        Assert.Empty(await fs.Bucket.ListKeysAsync("copy/"));
        await Shell.RunAsync($"rm -r '{fs.PathOf("moved")}'");
        Assert.False(Directory.Exists(fs.PathOf("moved")));
        Assert.Empty(await fs.Bucket.ListKeysAsync("moved/"));
        var listing = await Shell.RunAsync($"ls -la '{fs.PathOf("tree/a")}'");
        Assert.Contains("link -> mid.txt", listing);
    }

    [Fact]
    public async Task Rsync_copies_a_tree_in_and_a_second_run_finds_nothing_to_do()
    {
        SharedFs.TestSupport.Requirements.Program("rsync");
        using var source = new SharedFs.TestSupport.TempDirectory("sharedfs-rsync");
        Directory.CreateDirectory(source.Combine("site/uploads/2026"));
        File.WriteAllText(source.Combine("site/index.html"), "<h1>hello</h1>");
        File.WriteAllBytes(source.Combine("site/uploads/2026/photo.jpg"), Enumerable.Range(0, 300_000).Select(i => (byte)(i * 13)).ToArray());

        // rsync writes to a temporary name then renames it into place: the usual pattern of deploy tools.
        await Shell.RunAsync($"rsync -a '{source.Combine("site")}/' '{fs.PathOf("site")}/'");
        await Shell.RunAsync($"diff -r '{source.Combine("site")}' '{fs.PathOf("site")}'");
        Assert.Equal("<h1>hello</h1>", await fs.Bucket.GetTextAsync("site/index.html"));
        Assert.DoesNotContain(await fs.Bucket.ListKeysAsync("site/"), key => Path.GetFileName(key).StartsWith('.'));

        // Sizes and mtimes survived the trip: a second run transfers no file.
        var second = await Shell.RunAsync($"rsync -a --itemize-changes '{source.Combine("site")}/' '{fs.PathOf("site")}/'");
        Assert.DoesNotContain(">f", second);
    }

    [Fact]
    public async Task Keys_that_cannot_be_names_are_skipped_and_implicit_and_legacy_directories_are_shown()
    {
        await fs.Bucket.PutTextAsync("odd/a//b", "x");
        await fs.Bucket.PutTextAsync("odd/./dot", "x");
        await fs.Bucket.PutTextAsync("odd/" + new string('L', 300), "x");
        await fs.Bucket.PutTextAsync("odd/fine.txt", "fine");
        await fs.Bucket.PutTextAsync("odd/deep/er/file", "deep");
        await fs.Bucket.PutTextAsync("odd/legacy_$folder$", "");
        var names = Directory.GetFileSystemEntries(fs.PathOf("odd")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["a", "deep", "fine.txt", "legacy"], names);
        Assert.True(Directory.Exists(fs.PathOf("odd/deep/er")));
        Assert.True(Directory.Exists(fs.PathOf("odd/legacy")));
        Assert.Equal("deep", await File.ReadAllTextAsync(fs.PathOf("odd/deep/er/file")));
        Assert.Empty(Directory.GetFileSystemEntries(fs.PathOf("odd/a")));
    }

    [Fact]
    public async Task A_directory_of_ten_thousand_entries_lists_completely()
    {
        const int count = 10_050;
        using var store = new SharedFs.Storage.S3ObjectStore(fs.Bucket.StoreOptions);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
            await store.UploadAsync($"many/f{i:D5}", new MemoryStream([1]), 1, SharedFs.Storage.ObjectWriteOptions.Empty, ct));
        var started = DateTime.UtcNow;
        var names = Directory.GetFiles(fs.PathOf("many"));
        var elapsed = DateTime.UtcNow - started;
        Assert.Equal(count, names.Length);
        var longListing = (await Shell.RunAsync($"ls -l '{fs.PathOf("many")}' | wc -l")).Trim();
        Assert.Equal((count + 1).ToString(), longListing);
        // Past the TTL the listing is re-read; the unchanged entries' attributes are reused without HEADs.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        started = DateTime.UtcNow;
        Assert.Equal(count, Directory.GetFiles(fs.PathOf("many")).Length);
        var again = DateTime.UtcNow - started;
        output.WriteLine($"listing {count} entries with attributes: first {elapsed.TotalSeconds:F1} s, after the TTL {again.TotalSeconds:F1} s");
    }
}
