using CliWrap;
using CliWrap.Buffered;

namespace SharedFs.Posix.Tests;

/// <summary>Runs a program (as root) and returns its output; a failure throws with its error output.</summary>
internal static class Shell
{
    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var result = await Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError}");
        return result.StandardOutput;
    }
}
