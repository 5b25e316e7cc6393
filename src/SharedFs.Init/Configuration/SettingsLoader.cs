using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace SharedFs.Init.Configuration;

/// <summary>
/// Environment first, then command-line options on top (later providers win in Microsoft.Extensions.Configuration).
/// Both feed the same keys, the environment variable names, so one binder pass reads the result.
/// </summary>
internal static class SettingsLoader
{
    private static readonly Dictionary<string, string> OptionToKey =
        Setting.All.ToDictionary(s => s.Option, s => s.Variable);

    /// <param name="optionArgs">Value options already normalised to "--name value" pairs by the argument parser.</param>
    /// <param name="environment">The process environment in production; an in-memory source in tests.</param>
    /// <param name="startsTheApp">False for the subcommands that never start the app (check, s3cfg): SHAREDFS_USER is then resolved but needs no root.</param>
    /// <param name="accounts">/etc/passwd and /etc/group in production; copies in tests.</param>
    public static InitSettings Load(IReadOnlyList<string> optionArgs, bool singleChild, bool noMount,
        IConfigurationSource? environment = null, bool startsTheApp = true, Users.AccountFiles? accounts = null)
    {
        var builder = new ConfigurationBuilder();
        builder.Add(environment ?? new EnvironmentVariablesConfigurationSource());
        var commandLine = new CommandLineConfigurationSource { Args = optionArgs, SwitchMappings = OptionToKey };
        builder.Add(commandLine);
        IConfigurationRoot root = builder.Build();

        RawSettings raw = new();
        root.Bind(raw);
        var fromCommandLine = root.Providers.OfType<CommandLineConfigurationProvider>().Single();
        string NameOf(Setting setting) => fromCommandLine.TryGet(setting.Variable, out _) ? setting.Option : setting.Variable;

        return SettingsValidator.Validate(raw, NameOf, singleChild, noMount, startsTheApp, accounts);
    }
}
