using SharedFs.TestSupport;

namespace SharedFs.Packaging.Tests.Support;

/// <summary>
/// The buildpack as the platform gets it: out/sharedfs-buildpack.tgz, made by buildpack/package.sh from the
/// published binary (what `make buildpack` runs), and unpacked in a temporary folder once per test run.
/// </summary>
public static class BuildpackArtifact
{
    private static readonly Lazy<string> DirectoryLazy = new(PackAndUnpack, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The unpacked buildpack: bin/detect, bin/compile, bin/release, lib/, vendor/.</summary>
    public static string Directory => DirectoryLazy.Value;

    public static string Tarball => Path.Combine(PublishedBinary.OutputDirectory, "sharedfs-buildpack.tgz");

    public static string Script(string name) => Path.Combine(Directory, "bin", name);

    private static string PackAndUnpack()
    {
        var binary = PublishedBinary.Path;
        var pack = Shell.RunAsync(Path.Combine(RepositoryPaths.Root, "buildpack", "package.sh"), [binary, Tarball])
            .GetAwaiter().GetResult();
        if (pack.ExitCode != 0) throw new InvalidOperationException($"buildpack/package.sh failed: {pack}");

        RemoveThoseOfEndedRuns();
        var directory = Path.Combine(Path.GetTempPath(), $"sharedfs-buildpack-{Environment.ProcessId}");
        if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        System.IO.Directory.CreateDirectory(directory);
        var unpack = Shell.RunAsync("tar", ["-xzf", Tarball, "-C", directory]).GetAwaiter().GetResult();
        if (unpack.ExitCode != 0) throw new InvalidOperationException($"tar -xzf {Tarball} failed: {unpack}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { System.IO.Directory.Delete(directory, recursive: true); } catch (IOException) { }
        };
        return directory;
    }

    /// <summary>The test host may be ended before ProcessExit runs: a later run clears what it left.</summary>
    private static void RemoveThoseOfEndedRuns()
    {
        foreach (var left in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), "sharedfs-buildpack-*"))
        {
            var suffix = Path.GetFileName(left)["sharedfs-buildpack-".Length..];
            if (!int.TryParse(suffix, out var pid) || System.IO.Directory.Exists($"/proc/{pid}")) continue;
            try { System.IO.Directory.Delete(left, recursive: true); } catch (IOException) { }
        }
    }
}
