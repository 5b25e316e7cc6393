using System.Runtime.InteropServices;
using SharedFs.Init.Native;

namespace SharedFs.Init.Users;

/// <summary>
/// Gives the exec child the app user's credentials, as gosu and su-exec do: supplementary groups first (changing
/// them needs root), then the group id (also needs root), then the user id, which drops root for good: setuid from
/// root sets the real, effective and saved uids and clears the capabilities, so nothing can be taken back.
/// </summary>
internal static unsafe class IdentitySwitch
{
    /// <summary>Null once the process runs with <paramref name="ids"/>; otherwise which call failed and why.</summary>
    public static string? Apply(ProcessIds ids)
    {
        uint[] groups = [.. ids.Groups];
        fixed (uint* list = groups)
        {
            if (Libc.setgroups((nuint)groups.Length, list) != 0) return Failed($"setgroups({string.Join(',', groups)})");
        }
        if (Libc.setgid(ids.Gid) != 0) return Failed($"setgid({ids.Gid})");
        if (Libc.setuid(ids.Uid) != 0) return Failed($"setuid({ids.Uid})");
        if (Libc.getuid() != ids.Uid || Libc.geteuid() != ids.Uid || Libc.getgid() != ids.Gid || Libc.getegid() != ids.Gid)
            return $"the ids did not change (uid {Libc.getuid()}, euid {Libc.geteuid()}, gid {Libc.getgid()}, egid {Libc.getegid()})";
        return null;
    }

    private static string Failed(string call) => $"{call}: {Marshal.GetPInvokeErrorMessage(Libc.LastErrno)}";
}
