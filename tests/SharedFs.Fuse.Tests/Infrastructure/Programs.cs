using CliWrap;
using CliWrap.Buffered;

namespace SharedFs.Fuse.Tests.Infrastructure;

/// <summary>Runs real programs (cat, ls, mv…) against the mount, the way a user would.</summary>
internal static class Programs
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(string program, params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = Cli.Wrap(program).WithArguments(args).WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token).GetAwaiter().GetResult();
        return new Result(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    public static string RunOk(string program, params string[] args)
    {
        var result = Run(program, args);
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
        return result.Output;
    }
}
