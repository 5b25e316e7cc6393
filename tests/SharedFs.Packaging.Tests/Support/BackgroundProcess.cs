using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace SharedFs.Packaging.Tests.Support;

/// <summary>
/// A long-running process (the demo, a container) started in its own session and process group, as a
/// terminal starts a foreground job: signals go to the whole group, like Ctrl-C. Its output is collected as it
/// comes. Disposing kills the group if it is still running, so a failed test leaves no process behind.
/// </summary>
public sealed partial class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();

    private BackgroundProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output { get { lock (_gate) return _output.ToString(); } }

    /// <summary>Starts PROGRAM ARGS in a new session (setsid) with SIGINT at its default action.</summary>
    public static BackgroundProcess Start(string program, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        // setsid makes the process the leader of its own group (its pid is the group id); env
        // --default-signal=INT undoes an ignored SIGINT inherited from a background launcher, which a shell
        // script could not trap.
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "env", "--default-signal=INT", program }.Concat(arguments))
            info.ArgumentList.Add(argument);
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var started = new BackgroundProcess(process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_gate) _output.AppendLine(line);
    }

    /// <summary>Waits until the output contains the text; fails with the output so far if it never does.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (HasExited)
            {
                await _process.WaitForExitAsync();
                if (Output.Contains(text, StringComparison.Ordinal)) return;
                throw new InvalidOperationException($"the process exited ({_process.ExitCode}) before printing \"{text}\":\n{Output}");
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"\"{text}\" not printed within {timeout.TotalSeconds} s:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Sends a signal to the whole process group, as a terminal does for Ctrl-C.</summary>
    public void SignalGroup(int signal) => Kill(-_process.Id, signal);

    /// <summary>Sends a signal to one process.</summary>
    public static void SignalProcess(int pid, int signal) => Kill(pid, signal);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the process did not exit within {timeout.TotalSeconds} s:\n{Output}");
        }
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill(-_process.Id, Signals.Kill);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    private static void Kill(int pid, int signal)
    {
        if (NativeKill(pid, signal) != 0 && Marshal.GetLastPInvokeError() != 3 /* ESRCH: already gone */)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}

public static class Signals
{
    public const int Interrupt = 2;
    public const int Kill = 9;
    public const int Terminate = 15;
}
