using SharedFs.TestSupport;

namespace SharedFs.Packaging.Tests.Support;

/// <summary>
/// The minimal Debian 12 root filesystem that stands in for a container image (debootstrap minbase with
/// python3, no .NET). Built once per machine by scripts/make-rootfs.sh (about a minute) and cached in
/// /var/cache/sharedfs-rootfs; the tests never write into it (an overlay takes the writes).
/// </summary>
public static class RootFilesystem
{
    private static readonly Lazy<string> PathLazy = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => PathLazy.Value;

    public static string ScriptsDirectory =>
        System.IO.Path.Combine(RepositoryPaths.Root, "tests", "SharedFs.Packaging.Tests", "scripts");

    private static string Build()
    {
        Requirements.Root();
        Requirements.Program("debootstrap");
        var result = Shell.RunAsync(System.IO.Path.Combine(ScriptsDirectory, "make-rootfs.sh"), [], timeout: TimeSpan.FromMinutes(10))
            .GetAwaiter().GetResult();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"the root filesystem could not be built: {result}");
        return result.StandardOutput.Trim().Split('\n').Last();
    }
}
