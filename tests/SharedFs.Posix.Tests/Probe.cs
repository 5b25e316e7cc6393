using CliWrap;
using CliWrap.Buffered;

namespace SharedFs.Posix.Tests;

/// <summary>One POSIX call made by a real process of a given user (python3 probe.py, started through setpriv).</summary>
internal static class Probe
{
    public const uint Nobody = 65534, WwwData = 33;

    private static string Script => Path.Combine(AppContext.BaseDirectory, "probe.py");

    /// <summary>The system's python3 (a per-user install under /root cannot be run by the other users).</summary>
    private const string Python = "/usr/bin/python3";

    /// <summary>As root: the errno (0 on success) and what the call returned.</summary>
    public static Task<(int Errno, string Output)> AsRootAsync(params string[] call) => RunAsync(null, call);

    /// <summary>As the user <paramref name="uid"/> (its group of the same number, no supplementary groups).</summary>
    public static Task<(int Errno, string Output)> AsAsync(uint uid, params string[] call) => RunAsync(uid, call);

    private static async Task<(int, string)> RunAsync(uint? uid, string[] call)
    {
        var command = uid is { } id
            ? Cli.Wrap("setpriv").WithArguments([$"--reuid={id}", $"--regid={id}", "--clear-groups", Python, Script, .. call])
            : Cli.Wrap(Python).WithArguments([Script, .. call]);
        var result = await command.WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        var line = result.StandardOutput.TrimEnd('\n');
        var space = line.IndexOf(' ');
        if (result.ExitCode != 0 || space < 0)
            throw new InvalidOperationException($"probe {string.Join(' ', call)} as {uid?.ToString() ?? "root"} failed ({result.ExitCode}): {result.StandardError}");
        return (int.Parse(line[..space]), line[(space + 1)..]);
    }

    /// <summary>The stat line's fields: mode (octal), uid, gid, size, mtime, ctime (seconds.nanoseconds).</summary>
    public static (uint Mode, uint Uid, uint Gid, long Size, decimal MTime, decimal CTime) Fields(string statLine)
    {
        var parts = statLine.Split(' ');
        return (Convert.ToUInt32(parts[0], 8), uint.Parse(parts[1]), uint.Parse(parts[2]), long.Parse(parts[3]),
            decimal.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture),
            decimal.Parse(parts[5], System.Globalization.CultureInfo.InvariantCulture));
    }
}
