using SharedFs.Init.Supervision;
using SharedFs.Init.Tests.Support;

namespace SharedFs.Init.Tests.Supervision;

/// <summary>Orphans are reaped, and signals reach the whole process group.</summary>
public sealed class ReapingAndGroupTests
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task Hundred_orphans_leave_no_zombie(InitMode mode)
    {
        // The subshell leaves 100 short sleeps orphaned (reparented to the init), then the app touches a marker and
        // lives on. Once the marker is there, the init must get down to one child (the app) with no zombie: polled,
        // not sampled once, so a loaded machine only makes it slower, not wrong.
        string marker = Path.Combine(Directory.CreateTempSubdirectory("sharedfs-init-orphans-").FullName, "orphaned");
        string script = $"(for i in $(seq 100); do sleep 0.2 & done; exit 0); touch {marker}; sleep 8; exit 0";
        using var init = RunningInit.Start(mode, ["--no-mount", "--", "sh", "-c", script]);
        await init.WaitUntilAppStartedAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(6);
        while (!File.Exists(marker) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(File.Exists(marker), "the app did not orphan its children in time");
        IReadOnlyList<ProcStat> children;
        while (true)
        {
            children = ProcessTable.ChildrenOf(init.InitPid);
            if (children.Count == 1 && children[0].State != 'Z') break;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(50);
        }
        var zombies = children.Where(p => p.State == 'Z').ToList();
        Assert.True(zombies.Count == 0, $"{zombies.Count} zombie children of the init: {string.Join(", ", zombies)}");
        Assert.True(children.Count == 1, $"the init has {children.Count} children, expected only the app");
        init.Signal(Signals.SIGTERM);
        Assert.Equal(143, await init.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task Init_exits_when_the_app_exits_leaving_orphans_behind(InitMode mode)
    {
        using var init = RunningInit.Start(mode, ["--no-mount", "--", "sh", "-c", "for i in $(seq 100); do sleep 1000 & done; exit 0"]);
        Assert.Equal(0, await init.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("processes remain in the app's process group: sending SIGTERM", init.Stderr);
        await Task.Delay(200);
        Assert.Empty(ProcessTable.ChildrenOf(init.InitPid));
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task Group_signal_reaches_a_grandchild_when_the_middle_process_ignores_it(InitMode mode)
    {
        string pidFile = Path.Combine(Directory.CreateTempSubdirectory("sharedfs-init-grp-").FullName, "pid");
        // The middle sh ignores TERM; env --default-signal gives the grandchild a default TERM disposition again.
        string script = $"trap '' TERM; env --default-signal=TERM sleep 1000 >/dev/null 2>&1 & echo $! > {pidFile}; wait; exit 7";
        using var init = RunningInit.Start(mode, ["--no-mount", "--stop-timeout", "20s", "--", "sh", "-c", script]);
        await init.WaitUntilAppStartedAsync();
        await WaitForFileAsync(pidFile);
        init.Signal(Signals.SIGTERM);
        // The grandchild dies, so the middle process's wait returns and it exits 7 on its own, long before the 20 s.
        Assert.Equal(7, await init.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task Single_child_signals_only_the_app(InitMode mode)
    {
        string pidFile = Path.Combine(Directory.CreateTempSubdirectory("sharedfs-init-one-").FullName, "pid");
        string script = $"trap '' TERM; env --default-signal=TERM sleep 1000 >/dev/null 2>&1 & echo $! > {pidFile}; wait; exit 7";
        using var init = RunningInit.Start(mode, ["--no-mount", "--single-child", "--stop-timeout", "1s", "--", "sh", "-c", script]);
        await init.WaitUntilAppStartedAsync();
        await WaitForFileAsync(pidFile);
        init.Signal(Signals.SIGTERM);
        try
        {
            // The grandchild never sees TERM, so the app does not exit: SIGKILL after the stop timeout.
            Assert.Equal(137, await init.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            // (Its output goes to /dev/null so it does not hold our pipes open.) Outside a PID namespace the surviving grandchild would outlive the test.
            if (mode == InitMode.Subreaper && int.TryParse(File.ReadAllText(pidFile).Trim(), out int grandchild))
                SharedFs.Init.Native.Libc.kill(grandchild, Signals.SIGKILL);
        }
    }

    private static async Task WaitForFileAsync(string path)
    {
        for (int i = 0; i < 200 && !(File.Exists(path) && new FileInfo(path).Length > 0); i++) await Task.Delay(25);
        await Task.Delay(100);
    }
}
