using System.Runtime.InteropServices;
using SharedFs.Init.Logging;
using SharedFs.Init.Native;
using SharedFs.Init.Users;

namespace SharedFs.Init.Commands;

/// <summary>
/// Hidden mode "sharedfs-init --exec-child [--single-child] [--ids UID:GID:GROUPS] -- COMMAND...": the init starts
/// this with System.Diagnostics.Process (so the runtime keeps the exit status for it, even as PID 1), and this
/// process turns itself into the app: own session and process group, the app user's ids, default signal
/// dispositions, empty mask, then execvp. Process.Start alone would leave SIGPIPE ignored in the app.
/// </summary>
internal static class ExecChildCommand
{
    public const int CommandNotFound = 127, CommandNotExecutable = 126;

    public static unsafe int Run(Invocation invocation)
    {
        if (!invocation.SingleChild) Libc.setsid(); // EPERM only if already a group leader: harmless

        // Before the signal reset: glibc makes setgroups/setgid/setuid process-wide by signalling every thread with
        // its reserved signal 33 (SIGSETXID), whose handler the reset below removes (the threads would then die of it).
        if (invocation.ChildIds is { } text)
        {
            string? failure = ProcessIds.TryParse(text) is { } ids ? IdentitySwitch.Apply(ids) : $"malformed ids \"{text}\"";
            if (failure is not null)
            {
                Console.Error.WriteLine($"{Log.Prefix}cannot start the app as {text}: {failure}");
                return CommandNotExecutable;
            }
        }

        // struct kernel_sigaction { handler, flags, restorer, mask }: all zero is SIG_DFL with no flags.
        byte* defaultAction = stackalloc byte[32];
        new Span<byte>(defaultAction, 32).Clear();
        for (int signal = 1; signal <= 64; signal++)
        {
            if (signal is Libc.SIGKILL or Libc.SIGSTOP) continue;
            // glibc's signal() refuses its reserved signals (32, 33) with EINVAL, yet they can arrive ignored
            // (GNU make passes them on so): the kernel call resets those too.
            if (Libc.signal(signal, 0) == -1)
                Libc.syscall(Libc.SYS_rt_sigaction, signal, defaultAction, null, 8);
        }
        byte* empty = stackalloc byte[128];
        new Span<byte>(empty, 128).Clear();
        Libc.sigprocmask(Libc.SIG_SETMASK, empty, null);

        string file = invocation.Command[0];
        nint* argv = stackalloc nint[invocation.Command.Count + 1];
        for (int i = 0; i < invocation.Command.Count; i++) argv[i] = Marshal.StringToCoTaskMemUTF8(invocation.Command[i]);
        argv[invocation.Command.Count] = 0;

        Libc.execvp(file, argv); // returns only on failure
        int errno = Libc.LastErrno;
        (int code, string why) = errno switch
        {
            Libc.ENOENT => (CommandNotFound, "command not found"),
            Libc.EACCES => (CommandNotExecutable, "permission denied (not executable)"),
            Libc.ENOEXEC => (CommandNotExecutable, "cannot execute (not a binary nor a script)"),
            _ => (CommandNotExecutable, $"cannot execute ({Marshal.GetPInvokeErrorMessage(errno)})"),
        };
        Console.Error.WriteLine($"{Log.Prefix}{file}: {why}");
        return code;
    }
}
