using CliWrap;
using CliWrap.Buffered;

namespace SharedFs.TestSupport;

/// <summary>
/// Makes sure nothing stays mounted at a path after a test, whatever happened in it:
/// `using var _ = MountCleanup.For(path);` unmounts normally, then lazily as the last resort.
/// </summary>
public sealed class MountCleanup(string mountPoint) : IDisposable
{
    public static MountCleanup For(string mountPoint) => new(mountPoint);

    public void Dispose() => UnmountEverything(mountPoint);

    public static bool IsMounted(string mountPoint) => MountsAtOrBelow(mountPoint).Any();

    /// <summary>Every mount point at or below <paramref name="path"/>, deepest first.</summary>
    public static List<string> MountsAtOrBelow(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        return File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 4)
            .Select(fields => Unescape(fields[4]))
            .Where(point => point == full || point.StartsWith(full + "/", StringComparison.Ordinal))
            .OrderByDescending(point => point.Length)
            .ToList();
    }

    /// <summary>Unmounts everything at or below the path: normally first, lazily after a second of EBUSY.</summary>
    public static void UnmountEverything(string path)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var mounts = MountsAtOrBelow(path);
            if (mounts.Count == 0) return;
            foreach (var mount in mounts)
            {
                if (Run("umount", mount) != 0 && attempt >= 10)
                    Run("umount", "-l", mount);
            }
            Thread.Sleep(100);
        }
    }

    private static int Run(params string[] arguments) =>
        Cli.Wrap(arguments[0]).WithArguments(arguments[1..]).WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync().GetAwaiter().GetResult().ExitCode;

    private static string Unescape(string field) =>
        field.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
