using System.Diagnostics;
using SharedFs.Init.Configuration;
using SharedFs.Init.Logging;
using SharedFs.Init.Mounting;
using SharedFs.Init.Symlinks;

namespace SharedFs.Init.Supervision;

/// <summary>
/// The init's whole life: mount (bounded by the ready timeout), symlinks, start the app, supervise it, then flush
/// and unmount, returning the app's exit code. A SIGTERM/SIGINT during start-up aborts it (exit 128+N).
/// Dependencies are injected so tests can drive it in-process with a fake mount and without signal handlers.
/// </summary>
internal sealed class InitSequence(
    InitSettings settings, IReadOnlyList<string> command, IStorageMounter? mounter, AppLauncher launcher, Log log, bool reapOrphans)
{
    public const int StartupFailed = 1;
    private readonly CancellationTokenSource _startupAborted = new();
    private readonly Lock _gate = new();
    private Supervisor? _supervisor;
    private int _abortSignal;

    /// <summary>Called for every caught signal, from any thread.</summary>
    public void OnSignal(int signal)
    {
        lock (_gate)
        {
            if (_supervisor is not null) { _supervisor.Forward(signal); return; }
            if (!Signals.StartsShutdown(signal)) { log.Info($"ignored {Signals.Name(signal)}: the app is not started yet"); return; }
            _abortSignal = signal;
        }
        log.Info($"received {Signals.Name(signal)} during start-up: aborting");
        _startupAborted.Cancel();
    }

    public async Task<int> RunAsync()
    {
        IStorageMount? mount = null;
        try
        {
            if (mounter is null)
            {
                log.Info("running without storage (--no-mount)" + (settings.Symlinks.Count > 0 ? "; symlinks are not built" : ""));
            }
            else
            {
                var builder = new SymlinkBuilder(settings.AppRoot, settings.MountPath, log, StorageOwner.For(settings.User));
                if (builder.Preflight(settings.Symlinks) is [string first, ..])
                    throw new ConfigException($"{Setting.Symlinks.Variable}: {first}");
                mount = await MountAsync(mounter).ConfigureAwait(false);
                if (mount is null) return AbortCode();
                builder.Build(settings.Symlinks);
            }
            if (_startupAborted.IsCancellationRequested) return await FinishAsync(mount, AbortCode()).ConfigureAwait(false);

            return await FinishAsync(mount, await SuperviseAsync(mount).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (SymlinkException e)
        {
            log.Error($"{e.Message}; the app was not started");
            return await FinishAsync(mount, StartupFailed).ConfigureAwait(false);
        }
    }

    private int AbortCode() => _abortSignal != 0 ? 128 + _abortSignal : StartupFailed;

    /// <summary>Null when the mount failed or start-up was aborted (already logged).</summary>
    private async Task<IStorageMount?> MountAsync(IStorageMounter storageMounter)
    {
        var watch = Stopwatch.StartNew();
        string bucket = settings.Credentials?.Bucket ?? "?";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_startupAborted.Token);
        timeout.CancelAfter(settings.ReadyTimeout);
        Task<IStorageMount> mounting = storageMounter.MountAsync(timeout.Token);
        try
        {
            // WaitAsync bounds the wait even if the mount ignores its token; then the mount point must answer.
            IStorageMount mount = await mounting.WaitAsync(timeout.Token).ConfigureAwait(false);
            await Task.Run(() => Directory.Exists(settings.MountPath)).WaitAsync(timeout.Token).ConfigureAwait(false);
            log.Step($"mounted bucket {bucket} at {settings.MountPath}", watch);
            return mount;
        }
        catch (OperationCanceledException) when (!_startupAborted.IsCancellationRequested)
        {
            log.Error($"the mount of bucket {bucket} at {settings.MountPath} did not answer within {Log.FormatDuration(settings.ReadyTimeout)} " +
                      $"(raise {Setting.ReadyTimeout.Variable} if the storage is slow); the app was not started");
            _ = UnmountLateAsync(mounting);
            return null;
        }
        catch (OperationCanceledException)
        {
            _ = UnmountLateAsync(mounting);
            return null;
        }
        catch (Exception e)
        {
            log.Error($"cannot mount bucket {bucket} at {settings.MountPath}: {Log.Reason(e)}{MountFailureHint.For(e)}; the app was not started");
            return null;
        }
    }

    /// <summary>A mount that completes after we gave up on it is unmounted rather than leaked.</summary>
    private static async Task UnmountLateAsync(Task<IStorageMount> mounting)
    {
        try { await (await mounting.ConfigureAwait(false)).UnmountAsync(CancellationToken.None).ConfigureAwait(false); }
        catch (Exception) { /* it failed or was cancelled: nothing to undo */ }
    }

    private async Task<int> SuperviseAsync(IStorageMount? mount)
    {
        var watch = Stopwatch.StartNew();
        Process app;
        try { app = launcher.Start(command, settings.SingleChild, settings.User); }
        catch (Exception e)
        {
            log.Error($"cannot start the app: {e.Message}");
            return StartupFailed;
        }
        using var reaper = reapOrphans ? new OrphanReaper(app.Id) : null;
        var supervisor = new Supervisor(app, settings.SingleChild, settings.StopTimeout, log);
        int early;
        lock (_gate) { _supervisor = supervisor; early = _abortSignal; }
        log.Step($"started the app: {command[0]} (pid {app.Id}){(settings.User is { } user ? $" as {user}" : "")}", watch);
        log.Info($"ready: the app started {Log.FormatDuration(Log.SinceProcessStart())} after sharedfs-init was launched");
        if (early != 0) supervisor.Forward(early);

        Task<int> appDone = supervisor.RunAsync();
        if (mount is not null && await Task.WhenAny(appDone, mount.Completion).ConfigureAwait(false) != appDone)
            supervisor.Stop($"the storage mount at {settings.MountPath} went away");
        int code = await appDone.ConfigureAwait(false);
        reaper?.ReapNow();
        return code;
    }

    private async Task<int> FinishAsync(IStorageMount? mount, int code)
    {
        if (mount is not null)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                int failed = await mount.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                if (failed > 0) log.Warning($"{failed} file(s) could not be uploaded before unmounting");
                bool clean = await mount.UnmountAsync(CancellationToken.None).ConfigureAwait(false);
                log.Step(clean ? $"flushed and unmounted {settings.MountPath}" : $"unmounted {settings.MountPath}, but not cleanly", watch);
            }
            catch (Exception e)
            {
                log.Error($"flush/unmount of {settings.MountPath} failed: {e.Message}");
            }
        }
        log.Info($"exiting with status {code}");
        return code;
    }
}
