namespace SharedFs.Init.Supervision;

/// <summary>Linux signal numbers the supervisor deals with, and their names for log lines.</summary>
internal static class Signals
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10, SIGUSR2 = 12, SIGTERM = 15, SIGCHLD = 17, SIGWINCH = 28;

    /// <summary>Forwarded to the app; SIGTERM and SIGINT also start the shutdown sequence.</summary>
    public static readonly int[] Forwarded = [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH];

    public static bool StartsShutdown(int signal) => signal is SIGTERM or SIGINT;

    public static string Name(int signal) => signal switch
    {
        SIGHUP => "SIGHUP", SIGINT => "SIGINT", SIGQUIT => "SIGQUIT", SIGKILL => "SIGKILL", SIGUSR1 => "SIGUSR1",
        SIGUSR2 => "SIGUSR2", SIGTERM => "SIGTERM", SIGCHLD => "SIGCHLD", SIGWINCH => "SIGWINCH",
        6 => "SIGABRT", 11 => "SIGSEGV", 13 => "SIGPIPE", 14 => "SIGALRM",
        _ => $"signal {signal}",
    };

    /// <summary>"status 3" or "killed by SIGTERM" for an exit code in the shell convention (128+N for signal N).</summary>
    public static string DescribeExit(int code) =>
        code > 128 && code <= 128 + 64 ? $"status {code} (killed by {Name(code - 128)})" : $"status {code}";
}
