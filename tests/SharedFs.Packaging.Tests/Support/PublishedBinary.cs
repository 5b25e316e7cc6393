using CliWrap;
using CliWrap.Buffered;
using SharedFs.TestSupport;

namespace SharedFs.Packaging.Tests.Support;

/// <summary>
/// out/sharedfs-init, the NativeAOT executable every packaging test ships. Built once per test run with the
/// same command as `make publish` when it is missing or older than any source; a failed build fails the tests
/// with the compiler's output.
/// </summary>
public static class PublishedBinary
{
    private static readonly Lazy<string> PathLazy = new(BuildIfStale, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => PathLazy.Value;

    public static string OutputDirectory => System.IO.Path.Combine(RepositoryPaths.Root, "out");

    private static string BuildIfStale()
    {
        var binary = System.IO.Path.Combine(OutputDirectory, "sharedfs-init");
        var newestSource = NewestSourceWrite();
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) >= newestSource)
            return binary;

        var result = Cli.Wrap("dotnet")
            .WithArguments(["publish", "src/SharedFs.Init/SharedFs.Init.csproj", "-c", "Release", "-r", "linux-x64",
                "-o", OutputDirectory, "--nologo"])
            .WithWorkingDirectory(RepositoryPaths.Root)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync().GetAwaiter().GetResult();
        if (result.ExitCode != 0 || !File.Exists(binary))
            throw new InvalidOperationException(
                $"out/sharedfs-init could not be built (dotnet publish exit {result.ExitCode}):\n{Tail(result.StandardOutput)}\n{Tail(result.StandardError)}");
        // What `make publish` removes too: the debug symbols are not shipped.
        foreach (var extra in Directory.EnumerateFiles(OutputDirectory).Where(f => f.EndsWith(".dbg", StringComparison.Ordinal) || f.EndsWith(".pdb", StringComparison.Ordinal)))
            File.Delete(extra);
        return binary;
    }

    private static DateTime NewestSourceWrite()
    {
        var root = RepositoryPaths.Root;
        var sources = Directory.EnumerateFiles(System.IO.Path.Combine(root, "src"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Concat(new[] { "Directory.Build.props", "Directory.Packages.props" }.Select(f => System.IO.Path.Combine(root, f)).Where(File.Exists));
        return sources.Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max();
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(40));
}
