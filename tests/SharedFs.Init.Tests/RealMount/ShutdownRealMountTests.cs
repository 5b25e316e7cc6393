using SharedFs.Init.Supervision;
using SharedFs.Init.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Init.Tests.RealMount;

/// <summary>
/// SIGTERM while the app writes: every file the app closed before it stopped is in the bucket with its content
/// once the init has exited (flush before unmount). The app writes through a symlinked folder and logs each name
/// after the close, to a file outside the mount.
/// </summary>
[Collection(RealMountCollection.Name)]
public sealed class ShutdownRealMountTests(TestBucket bucket) : IClassFixture<TestBucket>
{
    // printf is a dash builtin: "> file" opens, printf writes, the redirection closes; only then the name is logged.
    private const string WriterLoop = """
        i=0
        while :; do
          i=$((i + 1))
          printf 'file %d of %s\n' "$i" "$TOP" > "$APP/$TOP/f$i.txt"
          echo "f$i.txt" >> "$OUT/closed"
        done
        """;

    [Theory]
    [InlineData(InitMode.Pid1, false, 143)]
    [InlineData(InitMode.Subreaper, true, 0)]
    public async Task Every_file_closed_before_sigterm_is_in_the_bucket(InitMode mode, bool trapsTerm, int expectedExit)
    {
        using var workspace = new RealMountWorkspace();
        string top = $"writer-{mode}-{trapsTerm}".ToLowerInvariant();
        // The trapping app finishes its current iteration (dash runs traps between commands), then exits 0.
        string script = (trapsTerm ? "trap 'echo trapped >> \"$OUT/trap\"; exit 0' TERM\n" : "") + WriterLoop;
        using var init = RunningInit.Start(mode, ["--", "sh", "-c", script],
            workspace.Environment(bucket, ("TOP", top), ("SCALINGO_SHAREDFS_SYMLINKS", top)));
        await init.WaitUntilAppStartedAsync();
        await WaitForLinesAsync(workspace.OutsideFile("closed"), 20, init);
        init.Signal(Signals.SIGTERM);
        int exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == expectedExit, $"exit {exit}\n{init.Stderr}");
        if (trapsTerm) Assert.True(File.Exists(workspace.OutsideFile("trap")), "the app's TERM trap did not run");
        Assert.Contains("flushed and unmounted", init.Stderr);
        Assert.DoesNotContain("could not be uploaded", init.Stderr);
        Assert.False(workspace.IsMounted);

        string[] closed = File.ReadAllLines(workspace.OutsideFile("closed"));
        var keys = (await bucket.ListKeysAsync(top + "/")).ToHashSet();
        var missing = closed.Where(name => !keys.Contains($"{top}/{name}")).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {closed.Length} closed files are not in the bucket: {string.Join(", ", missing.Take(10))}\n{init.Stderr}");
        foreach (string name in closed)
        {
            int number = int.Parse(name[1..^4]);
            Assert.Equal($"file {number} of {top}\n", await bucket.GetTextAsync($"{top}/{name}"));
        }
    }

    private static async Task WaitForLinesAsync(string path, int count, RunningInit init)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!File.Exists(path) || File.ReadLines(path).Count() < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the app did not close {count} files within 20 s\n{init.Stderr}");
            await Task.Delay(50);
        }
    }
}
