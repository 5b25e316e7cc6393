using SharedFs.Init.Supervision;
using SharedFs.Init.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Init.Tests.RealMount;

/// <summary>
/// The built sharedfs-init, as PID 1 (unshare --pid --fork --mount-proc: the mount then lives in the init's own
/// mount namespace) and as a subreaper (the mount is visible here), mounting a real bucket of the Ceph gateway
/// through the project's FUSE filesystem. Each test uses its own top-level names in the class's bucket.
/// </summary>
[Collection(RealMountCollection.Name)]
public sealed class RealMountInitTests(TestBucket bucket) : IClassFixture<TestBucket>
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task App_sees_the_fuse_mount_the_bucket_content_and_the_symlinks_before_it_starts(InitMode mode)
    {
        using var workspace = new RealMountWorkspace();
        string top = $"sees-{mode}".ToLowerInvariant();
        await bucket.PutTextAsync($"{top}/hello.txt", "put before the start");
        await bucket.PutTextAsync($"{top}-data/inside.txt", "reached through the link");

        // The app records what it sees, outside the mount, and does nothing else.
        const string Script = """
            cat /proc/self/mountinfo > "$OUT/mountinfo"
            ls -A "$MOUNT/$TOP" > "$OUT/listing"
            cat "$MOUNT/$TOP/hello.txt" > "$OUT/hello"
            readlink "$APP/$TOP-data" > "$OUT/link"
            cat "$APP/$TOP-data/inside.txt" > "$OUT/inside"
            """;
        using var init = RunningInit.Start(mode, ["--", "sh", "-ec", Script],
            workspace.Environment(bucket, ("TOP", top), ("SCALINGO_SHAREDFS_SYMLINKS", $"{top}-data")));
        int exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, $"exit {exit}\n{init.Stderr}");
        string mountLine = File.ReadLines(workspace.OutsideFile("mountinfo")).SingleOrDefault(l => l.Split(' ')[4] == workspace.Mount)
            ?? throw new Xunit.Sdk.XunitException($"{workspace.Mount} is not in the app's /proc/self/mountinfo\n{init.Stderr}");
        Assert.Contains(" - fuse.sharedfs ", mountLine);
        Assert.Contains("hello.txt", File.ReadAllLines(workspace.OutsideFile("listing")));
        Assert.Equal("put before the start", File.ReadAllText(workspace.OutsideFile("hello")));
        Assert.Equal(Path.Combine(workspace.Mount, $"{top}-data"), File.ReadAllText(workspace.OutsideFile("link")).Trim());
        Assert.Equal("reached through the link", File.ReadAllText(workspace.OutsideFile("inside")));
        Assert.False(workspace.IsMounted, "the mount is still there after the init exited");
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task App_exiting_by_itself_gives_its_code_and_the_mount_is_gone(InitMode mode)
    {
        using var workspace = new RealMountWorkspace();
        string top = $"exits-{mode}".ToLowerInvariant();
        using var init = RunningInit.Start(mode, ["--", "sh", "-c", "echo written > \"$MOUNT/$TOP.txt\"; exit 7"],
            workspace.Environment(bucket, ("TOP", top)));
        int exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 7, $"exit {exit}\n{init.Stderr}");
        Assert.Contains($"flushed and unmounted {workspace.Mount}", init.Stderr);
        Assert.False(workspace.IsMounted, "the mount is still there after the init exited");
        Assert.Equal("written\n", await bucket.GetTextAsync($"{top}.txt"));
    }

    [Theory]
    [InlineData(InitMode.Pid1, 0)]
    [InlineData(InitMode.Pid1, 200)]
    [InlineData(InitMode.Subreaper, 3)]
    public async Task Exit_code_is_passed_through_with_the_mount(InitMode mode, int code)
    {
        using var workspace = new RealMountWorkspace();
        var (exit, _, stderr) = await RunningInit.RunAsync(mode, ["--", "sh", "-c", $"exit {code}"], workspace.Environment(bucket), timeoutSeconds: 30);
        Assert.True(exit == code, $"exit {exit}\n{stderr}");
        Assert.Contains("mounted bucket", stderr);
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task Sigterm_with_the_mount_stops_the_app_with_143(InitMode mode)
    {
        using var workspace = new RealMountWorkspace();
        using var init = RunningInit.Start(mode, ["--", "sleep", "1000"], workspace.Environment(bucket));
        await init.WaitUntilAppStartedAsync();
        init.Signal(Signals.SIGTERM);
        int exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.True(exit == 143, $"exit {exit}\n{init.Stderr}");
        Assert.Contains("flushed and unmounted", init.Stderr);
        Assert.False(workspace.IsMounted);
    }

    [Fact]
    public async Task Start_up_logs_each_step_with_its_duration()
    {
        using var workspace = new RealMountWorkspace();
        var (exit, _, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["--", "true"],
            workspace.Environment(bucket, ("SCALINGO_SHAREDFS_SYMLINKS", "steps")), timeoutSeconds: 30);
        Assert.True(exit == 0, stderr);
        foreach (string step in new[] { "configuration", "mounted bucket", "linked steps", "started the app", "flushed and unmounted" })
        {
            string line = stderr.Split('\n').FirstOrDefault(l => l.Contains(step)) ?? throw new Xunit.Sdk.XunitException($"no line for \"{step}\":\n{stderr}");
            Assert.Matches(@"\((\d+ ms|\d+\.\d+ s)\)\s*$", line);
        }
    }
}
