using CliWrap;
using CliWrap.Buffered;

namespace SharedFs.Packaging.Tests.Support;

/// <summary>The result of a finished process: its exit code and everything it printed.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string AllOutput => StandardOutput + StandardError;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}

/// <summary>Runs a program to completion with a time limit; never throws on a non-zero exit.</summary>
public static class Shell
{
    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        var command = Cli.Wrap(program).WithArguments(arguments)
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None);
        if (workingDirectory is not null) command = command.WithWorkingDirectory(workingDirectory);
        var result = await command.ExecuteBufferedAsync(cancellation.Token);
        return new ProcessResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>Runs a bash script text (set -euo pipefail) in a working directory.</summary>
    public static Task<ProcessResult> BashAsync(string script, IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null, TimeSpan? timeout = null) =>
        RunAsync("bash", ["-c", "set -euo pipefail\n" + script], environment, workingDirectory, timeout);
}
