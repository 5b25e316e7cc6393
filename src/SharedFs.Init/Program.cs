using SharedFs.Init.Commands;
using SharedFs.Init.Configuration;
using SharedFs.Init.Logging;

namespace SharedFs.Init;

internal static class Program
{
    public const int ConfigError = 2;

    private static async Task<int> Main(string[] args)
    {
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
                noMount: invocation.NoMount || invocation.Mode == Mode.S3cfg);
            return invocation.Mode switch
            {
                Mode.Mount => await MountCommand.RunAsync(settings, log),
                Mode.S3cfg => S3cfgCommand.Run(settings, Console.Out),
                Mode.Check => CheckCommand.Run(settings, log),
                _ => await InitCommand.RunAsync(invocation, settings, log),
            };
        }
        catch (ConfigException e)
        {
            log.Info(e.Message);
            return ConfigError;
        }
    }
}
