using System.Diagnostics;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace SharedFs.Reliability.Tests.Support;

/// <summary>
/// The real sharedfs-init apphost, copied next to the tests by the project reference to SharedFs.Init.
/// Every run starts from an environment without any SharedFS variable, then adds the test's own.
/// </summary>
internal static class InitExecutable
{
    public static string Path
    {
        get
        {
            var path = System.IO.Path.Combine(AppContext.BaseDirectory, "sharedfs-init");
            if (!File.Exists(path) || !File.Exists(System.IO.Path.Combine(AppContext.BaseDirectory, "sharedfs-init.dll")))
                throw new InvalidOperationException($"sharedfs-init was not built next to the tests ({path}): build the solution");
            return path;
        }
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);

    /// <summary>Variables removed from the inherited environment before each run.</summary>
    public static IEnumerable<string> Scrubbed(IEnumerable<string> names) =>
        names.Where(n => n.Contains("SHAREDFS", StringComparison.Ordinal) || n.StartsWith("AWS_", StringComparison.Ordinal));

    public static async Task<Result> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null, string? workingDirectory = null, string? fileName = null, IEnumerable<string>? prefix = null)
    {
        var env = new Dictionary<string, string?>();
        foreach (var name in Scrubbed(Environment.GetEnvironmentVariables().Keys.Cast<string>())) env[name] = null;
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>()) env[key] = value;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var watch = Stopwatch.StartNew();
        var result = await Cli.Wrap(fileName ?? Path)
            .WithArguments([.. prefix ?? [], .. args])
            .WithEnvironmentVariables(env)
            .WithWorkingDirectory(workingDirectory ?? System.IO.Path.GetTempPath())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, cts.Token);
        return new Result(result.ExitCode, result.StandardOutput, result.StandardError, watch.Elapsed);
    }

    /// <summary>A long-running sharedfs-init (mount, or init with an app), with its output collected.</summary>
    public static LongRunning Start(IEnumerable<string> args, IDictionary<string, string?> environment, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(Path)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? System.IO.Path.GetTempPath(),
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var name in Scrubbed(info.Environment.Keys).ToList()) info.Environment.Remove(name);
        foreach (var (key, value) in environment)
        {
            if (value is null) info.Environment.Remove(key); else info.Environment[key] = value;
        }
        return new LongRunning(Process.Start(info)!);
    }
}

/// <summary>A started sharedfs-init: output collected, killed (by its pid only) when disposed.</summary>
internal sealed class LongRunning : IDisposable
{
    private readonly StringBuilder _stdout = new(), _stderr = new();

    public LongRunning(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }
    public int Pid => Process.Id;
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public void Signal(int signal)
    {
        if (Posix.Kill(Pid, signal) == 0) return;
        var how = Process.HasExited ? $"it had already exited with status {Process.ExitCode}" : "it is still running";
        throw new InvalidOperationException($"kill({Pid}, {signal}) failed: {how}; stderr:\n{Stderr}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await Process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"sharedfs-init (pid {Pid}) did not exit within {timeout.TotalSeconds} s; stderr:\n{Stderr}");
        }
        Process.WaitForExit(); // drains the output readers
        return Process.ExitCode;
    }

    /// <summary>Waits until a FUSE filesystem is mounted at <paramref name="mountPoint"/> (or the process exits).</summary>
    public async Task WaitForMountAsync(string mountPoint, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited)
                throw new InvalidOperationException($"sharedfs-init exited with {Process.ExitCode} before mounting; stderr:\n{Stderr}");
            if (ProcFs.IsFuseMountedAt(mountPoint) && Stderr.Contains("mounted bucket", StringComparison.Ordinal)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"nothing mounted at {mountPoint}; stderr:\n{Stderr}");
    }

    /// <summary>Peak resident memory (VmHWM) of the process, in KiB.</summary>
    public long PeakRssKiB => ProcFs.StatusValueKiB(Pid, "VmHWM:");

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Posix.Kill(Pid, 9);
                Process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        Process.Dispose();
    }
}

internal static class ProcFs
{
    public static bool IsFuseMountedAt(string mountPoint)
    {
        var full = System.IO.Path.GetFullPath(mountPoint).TrimEnd('/');
        return File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Any(f =>
            f.Length > 8 && f[4] == full && f.SkipWhile(x => x != "-").Skip(1).FirstOrDefault()?.StartsWith("fuse", StringComparison.Ordinal) == true);
    }

    public static long StatusValueKiB(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
        }
        return -1;
    }

    /// <summary>NUL-separated /proc file (cmdline, environ) as text, "" when the process is gone.</summary>
    public static string ReadNulSeparated(int pid, string file)
    {
        try { return File.ReadAllText($"/proc/{pid}/{file}").Replace('\0', ' '); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    /// <summary>Pids of every process whose parent is <paramref name="pid"/>, recursively.</summary>
    public static List<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir), out var child)) continue;
            try
            {
                var stat = File.ReadAllText(System.IO.Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[child] = int.Parse(fields[1]);
            }
            catch (IOException) { }
        }
        var result = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var (child, parent) in parents)
            {
                if (parent == current) { result.Add(child); queue.Enqueue(child); }
            }
        }
        return result;
    }
}
