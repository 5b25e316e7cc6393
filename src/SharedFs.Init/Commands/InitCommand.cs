using SharedFs.Init.Configuration;
using SharedFs.Init.Logging;
using SharedFs.Init.Mounting;
using SharedFs.Init.Supervision;

namespace SharedFs.Init.Commands;

/// <summary>"sharedfs-init [options] -- COMMAND...": the PID-1 supervisor.</summary>
internal static class InitCommand
{
    public static async Task<int> RunAsync(Invocation invocation, InitSettings settings, Log log)
    {
        if (!Subreaper.IsPid1 && Subreaper.Become() is { } problem)
            log.Warning($"{problem}: orphaned processes will not be reaped by sharedfs-init");

        IStorageMounter? mounter = settings.NoMount ? null : new SharedFsMounter(settings);
        var sequence = new InitSequence(settings, invocation.Command, mounter, AppLauncher.ForThisProcess(), log, reapOrphans: true);
        using var relay = new SignalRelay(sequence.OnSignal); // before mounting, so SIGTERM aborts start-up cleanly
        return await sequence.RunAsync().ConfigureAwait(false);
    }
}
