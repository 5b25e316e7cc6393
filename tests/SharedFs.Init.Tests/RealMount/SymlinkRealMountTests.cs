using SharedFs.Init.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Init.Tests.RealMount;

/// <summary>
/// The symlink rules against the real FUSE mount (not a directory standing in for it): shipped files migrated
/// into the bucket with their bytes, conflicts kept locally with the bucket unchanged, a correct link left alone,
/// and a second boot that changes nothing. One slug layout, booted twice.
/// </summary>
[Collection(RealMountCollection.Name)]
public sealed class SymlinkRealMountTests(TestBucket bucket) : IClassFixture<TestBucket>
{
    // Enough files in one directory to go through the parallel copies.
    private const int ManyFiles = 24;

    private static readonly byte[] Binary = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7 % 251)).ToArray();

    [Fact]
    public async Task Shipped_files_move_into_the_bucket_conflicts_stay_local_and_a_second_boot_changes_nothing()
    {
        using var workspace = new RealMountWorkspace();
        string app = workspace.AppRoot;

        // "shipped": a slug directory with files and a subdirectory; the bucket has nothing there yet.
        Directory.CreateDirectory(Path.Combine(app, "shipped", "sub"));
        File.WriteAllText(Path.Combine(app, "shipped", "a.txt"), "shipped a");
        File.WriteAllBytes(Path.Combine(app, "shipped", "sub", "b.bin"), Binary);
        File.SetLastWriteTimeUtc(Path.Combine(app, "shipped", "a.txt"), new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        for (int i = 0; i < ManyFiles; i++) File.WriteAllText(Path.Combine(app, "shipped", "sub", $"n{i:00}.txt"), $"number {i}");

        // "conf": the bucket already has a different a.txt and the same same.txt; new.txt is only in the slug.
        await bucket.PutTextAsync("conf/a.txt", "bucket version");
        await bucket.PutTextAsync("conf/same.txt", "identical");
        Directory.CreateDirectory(Path.Combine(app, "conf"));
        File.WriteAllText(Path.Combine(app, "conf", "a.txt"), "slug version");
        File.WriteAllText(Path.Combine(app, "conf", "same.txt"), "identical");
        File.WriteAllText(Path.Combine(app, "conf", "new.txt"), "only in the slug");

        // "linked": already the right link (dangling until the mount is there).
        await bucket.PutTextAsync("linked/kept.txt", "kept");
        File.CreateSymbolicLink(Path.Combine(app, "linked"), Path.Combine(workspace.Mount, "linked"));

        var environment = workspace.Environment(bucket, ("SCALINGO_SHAREDFS_SYMLINKS", "shipped:conf:linked"));
        const string Script = """ls "$APP/shipped/sub" > "$OUT/seen-$BOOT"; cat "$APP/linked/kept.txt" >> "$OUT/seen-$BOOT" """;

        // First boot.
        environment["BOOT"] = "1";
        var (exit, _, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["--", "sh", "-ec", Script], environment, timeoutSeconds: 40);
        Assert.True(exit == 0, $"exit {exit}\n{stderr}");
        Assert.StartsWith("b.bin\nn00.txt\n", File.ReadAllText(workspace.OutsideFile("seen-1")));
        Assert.EndsWith("\nkept", File.ReadAllText(workspace.OutsideFile("seen-1")));

        // Migrated: the bytes are in the bucket, nothing left half-done, the slug directory is now the link.
        Assert.Equal("shipped a", await bucket.GetTextAsync("shipped/a.txt"));
        Assert.Equal(Binary, await GetBytesAsync("shipped/sub/b.bin"));
        var head = await bucket.Client.GetObjectMetadataAsync(bucket.Name, "shipped/a.txt");
        string mtime = head.Metadata["x-amz-meta-mtime"] ?? "";
        Assert.True(mtime.StartsWith("1577934245", StringComparison.Ordinal), $"mtime of shipped/a.txt not kept: x-amz-meta-mtime={mtime}");
        Assert.Equal(Path.Combine(workspace.Mount, "shipped"), new FileInfo(Path.Combine(app, "shipped")).LinkTarget);
        List<string> keys = await bucket.ListKeysAsync();
        Assert.DoesNotContain(keys, k => k.Contains(".sharedfs-tmp"));
        for (int i = 0; i < ManyFiles; i++) Assert.Equal($"number {i}", await bucket.GetTextAsync($"shipped/sub/n{i:00}.txt"));
        Assert.Contains($"moved {ManyFiles + 2} file(s) of shipped into storage", stderr);

        // Conflict: the bucket is unchanged, the slug's copy is kept locally and reported; the rest merged.
        Assert.Equal("bucket version", await bucket.GetTextAsync("conf/a.txt"));
        Assert.Equal("slug version", File.ReadAllText(Path.Combine(app, ".sharedfs-conflicts", "conf", "a.txt")));
        Assert.Equal("only in the slug", await bucket.GetTextAsync("conf/new.txt"));
        Assert.Equal("identical", await bucket.GetTextAsync("conf/same.txt"));
        Assert.False(File.Exists(Path.Combine(app, ".sharedfs-conflicts", "conf", "same.txt")), "an identical file is not a conflict");
        Assert.Contains("conflict: conf/a.txt", stderr);

        // The correct link: left alone.
        Assert.Contains("linked already links to", stderr);
        Assert.Equal(Path.Combine(workspace.Mount, "linked"), new FileInfo(Path.Combine(app, "linked")).LinkTarget);

        // Second boot: same result, no new conflict copies, no new objects.
        var conflictsBefore = Snapshot(Path.Combine(app, ".sharedfs-conflicts"));
        environment["BOOT"] = "2";
        (exit, _, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["--", "sh", "-ec", Script], environment, timeoutSeconds: 40);
        Assert.True(exit == 0, $"exit {exit}\n{stderr}");
        Assert.Equal(File.ReadAllText(workspace.OutsideFile("seen-1")), File.ReadAllText(workspace.OutsideFile("seen-2")));
        Assert.Equal(keys.Order(), (await bucket.ListKeysAsync()).Order());
        Assert.Equal(conflictsBefore, Snapshot(Path.Combine(app, ".sharedfs-conflicts")));
        Assert.DoesNotContain("conflict:", stderr);
        foreach (string name in new[] { "shipped", "conf", "linked" })
            Assert.Contains($"{name} already links to", stderr);
        Assert.Equal("bucket version", await bucket.GetTextAsync("conf/a.txt"));
        Assert.False(workspace.IsMounted);
    }

    [Fact]
    public async Task Shipped_files_are_migrated_when_the_init_is_pid_1()
    {
        using var workspace = new RealMountWorkspace();
        Directory.CreateDirectory(Path.Combine(workspace.AppRoot, "uploads"));
        File.WriteAllText(Path.Combine(workspace.AppRoot, "uploads", "logo.svg"), "<svg/>");
        var (exit, _, stderr) = await RunningInit.RunAsync(InitMode.Pid1, ["--", "cat", Path.Combine(workspace.AppRoot, "uploads", "logo.svg")],
            workspace.Environment(bucket, ("SCALINGO_SHAREDFS_SYMLINKS", "uploads")), timeoutSeconds: 30);
        Assert.True(exit == 0, $"exit {exit}\n{stderr}");
        Assert.Equal("<svg/>", await bucket.GetTextAsync("uploads/logo.svg"));
        Assert.Contains("moved 1 file(s) of uploads into storage", stderr);
    }

    private async Task<byte[]> GetBytesAsync(string key)
    {
        using var response = await bucket.Client.GetObjectAsync(bucket.Name, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static List<string> Snapshot(string directory) =>
        Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(directory, p) + (File.Exists(p) ? "=" + File.ReadAllText(p) : "/"))
            .Order().ToList();
}
