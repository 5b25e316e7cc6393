using SharedFs.Init.Native;

namespace SharedFs.Init.Supervision;

/// <summary>
/// When the init is not PID 1 (e.g. started by a shell or by tests), orphaned descendants would be reparented
/// past it; as a child subreaper they come back to us instead, so we can reap them and signal them.
/// </summary>
internal static class Subreaper
{
    public static bool IsPid1 => Libc.getpid() == 1;

    /// <summary>Returns null on success, otherwise the reason.</summary>
    public static string? Become() =>
        Libc.prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? null : $"prctl(PR_SET_CHILD_SUBREAPER) failed, errno {Libc.LastErrno}";
}
