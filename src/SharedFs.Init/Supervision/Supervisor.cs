using System.Diagnostics;
using SharedFs.Init.Logging;
using SharedFs.Init.Native;

namespace SharedFs.Init.Supervision;

/// <summary>
/// Watches the running app: forwards signals to its process group (or to it alone with --single-child),
/// turns SIGTERM/SIGINT into a bounded stop (SIGKILL after the stop timeout), and once the app has exited,
/// stops what is left of its group so that nothing keeps files open in the mount.
/// </summary>
internal sealed class Supervisor(Process app, bool singleChild, TimeSpan stopTimeout, Log log)
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;

    public int AppPid { get; } = app.Id;

    public void Forward(int signal)
    {
        Send(signal);
        if (Signals.StartsShutdown(signal)) BeginStop($"received {Signals.Name(signal)}");
        else log.Info($"forwarded {Signals.Name(signal)} to the app");
    }

    /// <summary>Stops the app as if SIGTERM had been received (e.g. the mount went away).</summary>
    public void Stop(string reason)
    {
        Send(Signals.SIGTERM);
        BeginStop(reason);
    }

    /// <summary>Waits for the app, then for its group to be gone; returns the app's exit code (128+N for signal N).</summary>
    public async Task<int> RunAsync()
    {
        await app.WaitForExitAsync().ConfigureAwait(false);
        int code = app.ExitCode;
        _exited.TrySetResult();
        log.Info($"app exited with {Signals.DescribeExit(code)}");
        await StopLeftoversAsync().ConfigureAwait(false);
        return code;
    }

    private void BeginStop(string reason)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1) return;
        log.Info($"{reason}: stopping the app (SIGKILL in {Log.FormatDuration(stopTimeout)} if still running)");
        _ = KillAfterTimeoutAsync();
    }

    private async Task KillAfterTimeoutAsync()
    {
        Task finished = await Task.WhenAny(_exited.Task, Task.Delay(stopTimeout)).ConfigureAwait(false);
        if (finished == _exited.Task) return;
        log.Info($"the app did not stop within {Log.FormatDuration(stopTimeout)}: sending SIGKILL");
        Send(Signals.SIGKILL);
    }

    /// <summary>Processes the app left in its group (background jobs) get SIGTERM, then SIGKILL after the stop timeout.</summary>
    private async Task StopLeftoversAsync()
    {
        // A short grace first: members that died with the app are zombies until reaped, and still count as members.
        if (singleChild || await WaitGroupGoneAsync(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false)) return;
        log.Info("processes remain in the app's process group: sending SIGTERM");
        Libc.kill(-AppPid, Signals.SIGTERM);
        if (await WaitGroupGoneAsync(stopTimeout).ConfigureAwait(false)) return;
        log.Info($"the app's process group did not stop within {Log.FormatDuration(stopTimeout)}: sending SIGKILL");
        Libc.kill(-AppPid, Signals.SIGKILL);
        if (!await WaitGroupGoneAsync(KillWait).ConfigureAwait(false))
            log.Warning("the app's process group is still there after SIGKILL");
    }

    private bool GroupAlive() => Libc.kill(-AppPid, 0) == 0;

    private async Task<bool> WaitGroupGoneAsync(TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (GroupAlive())
        {
            if (watch.Elapsed >= limit) return false;
            await Task.Delay(20).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>
    /// The app made itself a group leader (setsid), so -pid is its group; right after the start it may not have yet,
    /// hence the fallback to the pid. Once the app has exited its pid is no longer ours: only the group is signalled.
    /// </summary>
    private void Send(int signal)
    {
        if (!singleChild && Libc.kill(-AppPid, signal) == 0) return;
        if (!_exited.Task.IsCompleted) Libc.kill(AppPid, signal);
    }
}
