using SharedFs.Init.Supervision;
using SharedFs.Init.Tests.Support;

namespace SharedFs.Init.Tests.Supervision;

/// <summary>The app's exit status, or 128+N for a death by signal N, is the init's exit status.</summary>
public sealed class ExitStatusTests
{
    public static TheoryData<InitMode, int> Codes()
    {
        var data = new TheoryData<InitMode, int>();
        foreach (InitMode mode in Enum.GetValues<InitMode>())
            foreach (int code in new[] { 0, 1, 2, 126, 127, 128, 200, 255 }) data.Add(mode, code);
        return data;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public async Task Exit_code_is_passed_through(InitMode mode, int code)
    {
        var (exit, _, stderr) = await RunningInit.RunAsync(mode, ["--no-mount", "--", "sh", "-c", $"exit {code}"]);
        Assert.True(code == exit, stderr);
    }

    public static TheoryData<InitMode, int> DeadlySignals()
    {
        var data = new TheoryData<InitMode, int>();
        foreach (InitMode mode in Enum.GetValues<InitMode>())
            foreach (int signal in new[] { Signals.SIGTERM, Signals.SIGINT, Signals.SIGHUP, Signals.SIGQUIT, Signals.SIGUSR1, Signals.SIGUSR2 })
                data.Add(mode, signal);
        return data;
    }

    [Theory]
    [MemberData(nameof(DeadlySignals))]
    public async Task Signal_sent_to_the_init_kills_the_app_with_128_plus_N(InitMode mode, int signal)
    {
        using var init = RunningInit.Start(mode, ["--no-mount", "--stop-timeout", "10s", "--", "sleep", "1000"]);
        await init.WaitUntilAppStartedAsync();
        init.Signal(signal);
        int exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.True(128 + signal == exit, $"exit {exit}\n{init.Stderr}");
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task Sigwinch_is_forwarded_and_does_not_stop_anything(InitMode mode)
    {
        // The app traps WINCH and exits 42 when it gets it: proves delivery without killing the init.
        using var init = RunningInit.Start(mode, ["--no-mount", "--", "sh", "-c", "trap 'exit 42' WINCH; echo trapped; while :; do sleep 0.05; done"]);
        await init.WaitForStdoutAsync("trapped", TimeSpan.FromSeconds(15)); // a fixed delay lost the race under load
        init.Signal(Signals.SIGWINCH);
        Assert.Equal(42, await init.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task App_ignoring_sigterm_is_killed_after_the_stop_timeout(InitMode mode)
    {
        using var init = RunningInit.Start(mode, ["--no-mount", "--stop-timeout", "1s", "--", "sh", "-c", "trap '' TERM; echo trapped; while :; do sleep 0.05; done"]);
        await init.WaitForStdoutAsync("trapped", TimeSpan.FromSeconds(15));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        init.Signal(Signals.SIGTERM);
        int exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.True(exit == 137, $"exit {exit}\n{init.Stderr}");
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"killed after {watch.Elapsed}, before the 1 s stop timeout");
        Assert.Contains("sending SIGKILL", init.Stderr);
    }
}
