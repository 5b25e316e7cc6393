using System.Runtime.InteropServices;
using SharedFs.Init.Native;

namespace SharedFs.Init.Supervision;

/// <summary>
/// Reaps orphaned descendants reparented to the init, without stealing the exit status of the app, which
/// System.Diagnostics.Process waits for. As PID 1 the runtime already reaps everything on SIGCHLD; as a subreaper
/// it reaps only its own Process children, so the orphans are ours.
/// Runs only while the app runs: before and after, other code (the mount) may start processes it waits for.
/// </summary>
internal sealed unsafe class OrphanReaper : IDisposable
{
    private readonly int _appPid;
    private readonly int _selfPid = Libc.getpid();
    private readonly Lock _gate = new();
    private readonly PosixSignalRegistration _sigchld;
    private readonly Timer _safetyNet;
    private bool _disposed;

    public OrphanReaper(int appPid)
    {
        _appPid = appPid;
        _sigchld = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => ReapNow());
        // SIGCHLD can coalesce or land while a sweep runs; a slow periodic sweep catches anything missed.
        _safetyNet = new Timer(_ => ReapNow(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public int Reaped { get; private set; }

    public void ReapNow()
    {
        lock (_gate)
        {
            if (_disposed) return;
            while (PeekExited() is int pid && pid != 0)
            {
                if (pid == _appPid)
                {
                    // waitid keeps reporting the app until Process collects it: find the others in /proc.
                    ReapZombieChildrenExceptApp();
                    return;
                }
                Reap(pid);
            }
        }
    }

    /// <summary>A waitable child's pid without consuming its status (WNOWAIT); 0 or null when there is none.</summary>
    private static int? PeekExited()
    {
        byte* info = stackalloc byte[128];
        new Span<byte>(info, 128).Clear();
        if (Libc.waitid(Libc.P_ALL, 0, info, Libc.WEXITED | Libc.WNOHANG | Libc.WNOWAIT) != 0) return null;
        return *(int*)(info + 16); // siginfo_t.si_pid on 64-bit Linux
    }

    private void Reap(int pid)
    {
        int status;
        if (Libc.waitpid(pid, &status, Libc.WNOHANG) == pid) Reaped++;
    }

    private void ReapZombieChildrenExceptApp()
    {
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid) || pid == _appPid) continue;
            if (ProcStat.TryRead(pid) is { State: 'Z' } stat && stat.ParentPid == _selfPid) Reap(pid);
        }
    }

    public void Dispose()
    {
        lock (_gate) _disposed = true;
        _sigchld.Dispose();
        _safetyNet.Dispose();
    }
}
