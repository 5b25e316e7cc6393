using System.Diagnostics;
using System.Text;
using SharedFs.Init.Native;

namespace SharedFs.Init.Tests.Support;

/// <summary>
/// A real sharedfs-init process. In <see cref="InitMode.Pid1"/> it runs under "unshare --pid --fork --mount-proc",
/// and <see cref="InitPid"/> is its pid as seen from here. The environment starts without any SharedFS variable.
/// </summary>
internal sealed class RunningInit : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new(), _stderr = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunningInit(Process process) => _process = process;

    public int InitPid { get; private set; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static RunningInit Start(InitMode mode, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (mode == InitMode.Pid1)
        {
            Requirements.RootAndUnshare();
            info.FileName = "unshare";
            foreach (string a in new[] { "--pid", "--fork", "--mount-proc", InitBinary.Path }) info.ArgumentList.Add(a);
        }
        else
        {
            info.FileName = InitBinary.Path;
        }
        foreach (string arg in args) info.ArgumentList.Add(arg);
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (string key in info.Environment.Keys.Where(k => k.Contains("SHAREDFS")).ToList()) info.Environment.Remove(key);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var process = new Process { StartInfo = info };
        var init = new RunningInit(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (init._stdout) init._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (init._stderr) init._stderr.AppendLine(e.Data);
            if (e.Data.Contains("started the app")) init._started.TrySetResult();
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        init.InitPid = mode == InitMode.Pid1 ? init.FindForkedChild() : process.Id;
        return init;
    }

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(InitMode mode, IEnumerable<string> args,
        IDictionary<string, string>? environment = null, string? workingDirectory = null, int timeoutSeconds = 20)
    {
        using RunningInit init = Start(mode, args, environment, workingDirectory);
        int code = await init.WaitForExitAsync(TimeSpan.FromSeconds(timeoutSeconds));
        return (code, init.Stdout, init.Stderr);
    }

    /// <summary>Waits for "started the app": from then on the signal handlers are installed.</summary>
    public Task WaitUntilAppStartedAsync() => _started.Task.WaitAsync(TimeSpan.FromSeconds(15));

    /// <summary>Waits until stderr contains <paramref name="text"/> (e.g. "mounted bucket" for "sharedfs-init mount").</summary>
    public Task WaitForStderrAsync(string text, TimeSpan timeout) => WaitForTextAsync(() => Stderr, "stderr", text, timeout);

    /// <summary>Waits until the app printed <paramref name="text"/>, e.g. once its shell installed a trap.</summary>
    public Task WaitForStdoutAsync(string text, TimeSpan timeout) => WaitForTextAsync(() => Stdout, "stdout", text, timeout);

    private async Task WaitForTextAsync(Func<string> output, string streamName, string text, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!output().Contains(text, StringComparison.Ordinal))
        {
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"\"{text}\" did not appear on {streamName} within {timeout}. stdout:\n{Stdout}\nstderr:\n{Stderr}");
            if (_process.HasExited)
                throw new InvalidOperationException($"sharedfs-init exited ({_process.ExitCode}) before \"{text}\" appeared on {streamName}. stderr:\n{Stderr}");
            await Task.Delay(20);
        }
    }

    public void Signal(int signal)
    {
        if (Libc.kill(InitPid, signal) != 0) throw new InvalidOperationException($"kill({InitPid}, {signal}) failed: errno {Libc.LastErrno}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try { await _process.WaitForExitAsync().WaitAsync(timeout); }
        catch (TimeoutException)
        {
            throw new TimeoutException($"sharedfs-init did not exit within {timeout}. stderr:\n{Stderr}");
        }
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    private int FindForkedChild()
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            if (ProcessTable.ChildrenOf(_process.Id).FirstOrDefault() is { Pid: > 0 } child) return child.Pid;
            Thread.Sleep(5);
        }
        throw new InvalidOperationException("unshare did not fork the init");
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
