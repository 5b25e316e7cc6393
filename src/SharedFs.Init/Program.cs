using System.Diagnostics;
using SharedFs.Init.Commands;
using SharedFs.Init.Configuration;
using SharedFs.Init.Logging;
using SharedFs.Init.Native;

namespace SharedFs.Init;

internal static class Program
{
    public const int ConfigError = 2;

    private static async Task<int> Main(string[] args)
    {
        var watch = Stopwatch.StartNew();
        // The exec child turns into the app before anything touches Console: the console's first use starts the
        // runtime's signal-handling thread, which could change a disposition after the child has reset them all.
        if (args.Length > 0 && args[0] == ArgumentParser.ExecChildFlag)
            return ExecChildCommand.Run(ArgumentParser.Parse(args));
        // Started from a background shell job (or nohup-like wrapper), the init inherits SIGINT and SIGQUIT
        // ignored, and the runtime then never delivers them: an init must stop the app on them whatever it inherited.
        Libc.signal(Libc.SIGINT, 0);
        Libc.signal(Libc.SIGQUIT, 0);
        Log log = Log.StandardError;
        try
        {
            Invocation invocation = ArgumentParser.Parse(args);
            switch (invocation.Mode)
            {
                case Mode.ExecChild: return ExecChildCommand.Run(invocation);
                case Mode.Help: Console.Out.Write(HelpText.Usage); return 0;
                case Mode.Version: Console.Out.WriteLine(HelpText.Version); return 0;
            }

            // s3cfg never mounts: it reports missing credentials or endpoint itself, with its own wording.
            InitSettings settings = SettingsLoader.Load(invocation.OptionArgs, invocation.SingleChild,
                noMount: invocation.NoMount || invocation.Mode is Mode.S3cfg or Mode.Status, startsTheApp: invocation.Mode == Mode.Init);
            if (invocation.Mode is Mode.Init or Mode.Mount) log.Step(Describe(settings), watch);
            return invocation.Mode switch
            {
                Mode.Mount => await MountCommand.RunAsync(settings, log),
                Mode.S3cfg => S3cfgCommand.Run(settings, Console.Out),
                Mode.Check => await CheckCommand.RunAsync(settings, log),
                Mode.Status => StatusCommand.Run(settings, invocation.Json, Console.Out, log),
                _ => await InitCommand.RunAsync(invocation, settings, log),
            };
        }
        catch (ConfigException e)
        {
            log.Info(e.Message);
            return ConfigError;
        }
    }

    /// <summary>The "configuration" start-up line: what will be mounted where, without the secret.</summary>
    private static string Describe(InitSettings settings) => (settings.NoMount
        ? "configuration: no storage (--no-mount)"
        : $"configuration: bucket {settings.Credentials?.Bucket} at {settings.Endpoint}, mount {settings.MountPath}, " +
          $"app root {settings.AppRoot}, symlinks {(settings.Symlinks.Count == 0 ? "none" : string.Join(":", settings.Symlinks))}" +
          (settings.Signature == SharedFs.Storage.SignatureVersion.V2 ? ", signature v2" : ""))
        + (settings.User is { } user ? $", app user {user}" : "");
}
