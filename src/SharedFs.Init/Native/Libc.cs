using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SharedFs.Init.Native;

/// <summary>
/// The few libc calls the BCL does not offer (process groups, subreaper, waitid peeking, exec, user switch, owners).
/// [LibraryImport] generates the marshalling at compile time, so this stays NativeAOT- and trim-safe.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, ENOEXEC = 8, ECHILD = 10, EACCES = 13;
    public const int SIGKILL = 9, SIGSTOP = 19, SIGTERM = 15, SIGINT = 2, SIGQUIT = 3;
    public const int PR_SET_CHILD_SUBREAPER = 36;
    public const int P_ALL = 0;
    public const int WNOHANG = 1, WEXITED = 4, WNOWAIT = 0x01000000;
    public const int SIG_SETMASK = 2;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int kill(int pid, int sig);

    [LibraryImport(Lib)]
    public static partial int getpid();

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setsid();

    [LibraryImport(Lib)]
    public static partial uint getuid();

    [LibraryImport(Lib)]
    public static partial uint getgid();

    [LibraryImport(Lib)]
    public static partial uint geteuid();

    [LibraryImport(Lib)]
    public static partial uint getegid();

    // glibc applies these three to every thread of the process (it signals each with SIGSETXID, its signal 33).
    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setgroups(nuint size, uint* list);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setgid(uint gid);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setuid(uint uid);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lchown(string path, uint uid, uint gid);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int fchown(SafeFileHandle file, uint uid, uint gid);

    /// <summary>statx(2): its struct has one layout on every architecture (stx_uid at 20, stx_gid at 24), unlike struct stat.</summary>
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int directoryFd, string path, int flags, uint mask, byte* buffer);

    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_UID = 0x8, STATX_GID = 0x10;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary>signal(2): used only to put dispositions back to SIG_DFL, so the struct-free form is enough.</summary>
    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint signal(int sig, nint handler);

    /// <summary>The raw syscall(2), for rt_sigaction on the signals glibc keeps for itself (32 and 33).</summary>
    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint syscall(nint number, nint arg1, void* arg2, void* arg3, nint arg4);

    public const int SYS_rt_sigaction = 13; // x86_64

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int sigprocmask(int how, byte* set, byte* oldSet);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int execvp(string file, nint* argv);

    /// <summary>siginfo_t is 128 bytes on Linux; for SIGCHLD si_pid sits at offset 16 on 64-bit.</summary>
    [LibraryImport(Lib, SetLastError = true)]
    public static partial int waitid(int idType, int id, byte* info, int options);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint realpath(string path, nint resolved);

    [LibraryImport(Lib)]
    public static partial void free(nint pointer);

    public static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>The owner of <paramref name="path"/> itself (a symlink is not followed); null with errno set when it cannot be read.</summary>
    public static (uint Uid, uint Gid)? Owner(string path)
    {
        byte* buffer = stackalloc byte[256]; // sizeof(struct statx)
        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_UID | STATX_GID, buffer) != 0) return null;
        return (*(uint*)(buffer + 20), *(uint*)(buffer + 24));
    }

    /// <summary>Canonical path with every symlink resolved, or null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        nint result = realpath(path, 0);
        if (result == 0) return null;
        try { return Marshal.PtrToStringUTF8(result); }
        finally { free(result); }
    }
}
