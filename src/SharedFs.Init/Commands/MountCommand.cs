using System.Diagnostics;
using SharedFs.Init.Configuration;
using SharedFs.Init.Logging;
using SharedFs.Init.Mounting;
using SharedFs.Init.Supervision;

namespace SharedFs.Init.Commands;

/// <summary>"sharedfs-init mount": mount in the foreground until SIGINT/SIGTERM, then flush and unmount.</summary>
internal static class MountCommand
{
    public static async Task<int> RunAsync(InitSettings settings, Log log)
    {
        if (settings.NoMount) throw new ConfigException("sharedfs-init mount cannot be used with --no-mount");
        var stop = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var relay = new SignalRelay(signal =>
        {
            if (Signals.StartsShutdown(signal)) stop.TrySetResult(signal);
        });

        var watch = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(settings.ReadyTimeout);
        IStorageMount mount;
        try
        {
            mount = await new SharedFsMounter(settings).MountAsync(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            log.Error($"the mount at {settings.MountPath} did not answer within {Log.FormatDuration(settings.ReadyTimeout)}");
            return InitSequence.StartupFailed;
        }
        catch (Exception e)
        {
            log.Error($"cannot mount bucket {settings.Credentials!.Bucket} at {settings.MountPath}: {Log.Reason(e)}{MountFailureHint.For(e)}");
            return InitSequence.StartupFailed;
        }
        log.Step($"mounted bucket {settings.Credentials!.Bucket} at {settings.MountPath}; stop with SIGINT or SIGTERM", watch);

        if (await Task.WhenAny(stop.Task, mount.Completion).ConfigureAwait(false) == mount.Completion)
        {
            log.Error($"the mount at {settings.MountPath} went away");
            return InitSequence.StartupFailed;
        }
        log.Info($"received {Signals.Name(stop.Task.Result)}: flushing and unmounting");
        watch.Restart();
        int failed = await mount.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        bool clean = await mount.UnmountAsync(CancellationToken.None).ConfigureAwait(false);
        log.Step($"unmounted {settings.MountPath}{(clean ? "" : " (not cleanly)")}{(failed > 0 ? $", {failed} file(s) not uploaded" : "")}", watch);
        return clean && failed == 0 ? 0 : 1;
    }
}
