using CliWrap;
using CliWrap.Buffered;

namespace SharedFs.FileSystem.Tests;

/// <summary>Runs real programs (cp, tar, rsync…) on the mount.</summary>
internal static class Shell
{
    public static async Task<string> RunAsync(string command, string? workingDirectory = null)
    {
        var result = await Cli.Wrap("/bin/bash").WithArguments(["-c", command])
            .WithWorkingDirectory(workingDirectory ?? "/")
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"`{command}` failed ({result.ExitCode}): {result.StandardError}{result.StandardOutput}");
        return result.StandardOutput;
    }
}
