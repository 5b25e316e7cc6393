using SharedFs.Init.Configuration;

namespace SharedFs.Init.Commands;

/// <summary>
/// Splits argv into the subcommand, flags, value options and the app's command. Value options are checked here
/// against the known list and normalised to "--name value" pairs for the configuration CommandLine provider,
/// which would otherwise accept unknown names and swallow a following flag as a value.
/// </summary>
internal static class ArgumentParser
{
    /// <summary>Hidden first argument of the re-executed child (see ExecChildCommand).</summary>
    public const string ExecChildFlag = "--exec-child";

    /// <summary>Hidden option of the exec child: the app user's ids, already resolved by the init.</summary>
    public const string ChildIdsOption = "--ids";

    private static readonly HashSet<string> ValueOptions = Setting.All.Select(s => s.Option).ToHashSet();

    public static Invocation Parse(IReadOnlyList<string> args)
    {
        int index = 0;
        Mode mode = Mode.Init;
        if (args.Count > 0)
        {
            switch (args[0])
            {
                case ExecChildFlag: mode = Mode.ExecChild; index = 1; break;
                case "mount": mode = Mode.Mount; index = 1; break;
                case "s3cfg": mode = Mode.S3cfg; index = 1; break;
                case "check": mode = Mode.Check; index = 1; break;
                case "status": mode = Mode.Status; index = 1; break;
            }
        }

        var options = new List<string>();
        bool singleChild = false, noMount = false, json = false;
        string? childIds = null;
        List<string> command = [];
        for (; index < args.Count; index++)
        {
            string arg = args[index];
            if (arg == "--") { command = args.Skip(index + 1).ToList(); break; }
            if (arg is "--help" or "-h") return new Invocation(Mode.Help, [], false, false, []);
            if (arg is "--version" or "-V") return new Invocation(Mode.Version, [], false, false, []);
            if (arg == "--single-child") { singleChild = true; continue; }
            if (arg == "--no-mount") { noMount = true; continue; }
            if (mode == Mode.Status && arg == "--json") { json = true; continue; }
            if (mode == Mode.ExecChild && arg == ChildIdsOption && index + 1 < args.Count) { childIds = args[++index]; continue; }
            if (arg.StartsWith('-'))
            {
                int equals = arg.IndexOf('=');
                string name = equals > 0 ? arg[..equals] : arg;
                if (!ValueOptions.Contains(name))
                    throw new ConfigException($"unknown option {name}; see sharedfs-init --help");
                string value;
                if (equals > 0) value = arg[(equals + 1)..];
                else if (index + 1 < args.Count) value = args[++index];
                else throw new ConfigException($"{name} needs a value; e.g. {name} {Setting.All.First(s => s.Option == name).Example}");
                options.Add(name);
                options.Add(value);
                continue;
            }
            if (mode != Mode.Init) throw new ConfigException($"unexpected argument \"{arg}\"; see sharedfs-init --help");
            command = args.Skip(index).ToList(); // tini style: the first plain word starts the command
            break;
        }

        if (mode is Mode.Init or Mode.ExecChild && command.Count == 0)
            throw new ConfigException("no command to run; usage: sharedfs-init [options] -- COMMAND [ARGS...]");
        if (mode is Mode.Mount or Mode.S3cfg or Mode.Check or Mode.Status && command.Count > 0)
            throw new ConfigException($"sharedfs-init {args[0]} does not run a command; see sharedfs-init --help");
        return new Invocation(mode, options, singleChild, noMount, command, childIds, json);
    }
}
