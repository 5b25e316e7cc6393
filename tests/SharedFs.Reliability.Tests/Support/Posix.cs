using System.Runtime.InteropServices;
using System.Text;

namespace SharedFs.Reliability.Tests.Support;

/// <summary>
/// Raw libc file calls, so a test sees exactly what an application sees: the return value of close() (.NET's
/// FileStream ignores it), and the errno of each call.
/// </summary>
internal static partial class Posix
{
    public const int EIO = 5, ENOENT = 2, ENOSPC = 28, ENOTCONN = 107, ECONNABORTED = 103, EACCES = 13, ENAMETOOLONG = 36;
    private const int O_WRONLY = 0x1, O_RDONLY = 0, O_CREAT = 0x40, O_TRUNC = 0x200;

    [DllImport("libc", SetLastError = true, EntryPoint = "open")]
    private static extern int open_([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mode);

    [DllImport("libc", SetLastError = true, EntryPoint = "write")]
    private static extern unsafe nint write_(int fd, byte* buffer, nint count);

    [DllImport("libc", SetLastError = true, EntryPoint = "read")]
    private static extern unsafe nint read_(int fd, byte* buffer, nint count);

    [DllImport("libc", SetLastError = true, EntryPoint = "close")]
    private static extern int close_(int fd);

    [DllImport("libc", SetLastError = true, EntryPoint = "fsync")]
    private static extern int fsync_(int fd);

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    public static extern int Kill(int pid, int signal);

    [DllImport("libc", SetLastError = true, EntryPoint = "stat")]
    private static extern unsafe int stat_([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);

    /// <summary>Where a failing write sequence stopped, and with which errno (0: every call succeeded).</summary>
    public sealed record WriteResult(string Step, int Errno)
    {
        public bool Ok => Errno == 0;
        public override string ToString() => Ok ? "ok" : $"{Step}: errno {Errno} ({Marshal.GetPInvokeErrorMessage(Errno)})";
    }

    /// <summary>
    /// open(O_CREAT|O_TRUNC), write everything in chunks, fsync() when asked (the call that waits for the bucket
    /// under write-back), close(): the errno of the first failing call.
    /// </summary>
    public static unsafe WriteResult WriteFile(string path, ReadOnlySpan<byte> data, int chunk = 1 << 20, bool fsync = false)
    {
        var fd = open_(path, O_WRONLY | O_CREAT | O_TRUNC, 0x1A4);
        if (fd < 0) return new WriteResult("open", Marshal.GetLastPInvokeError());
        var done = 0;
        fixed (byte* p = data)
        {
            while (done < data.Length)
            {
                var n = write_(fd, p + done, Math.Min(chunk, data.Length - done));
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    close_(fd);
                    return new WriteResult("write", errno);
                }
                done += (int)n;
            }
        }
        if (fsync && fsync_(fd) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            close_(fd);
            return new WriteResult("fsync", errno);
        }
        return close_(fd) == 0 ? new WriteResult("close", 0) : new WriteResult("close", Marshal.GetLastPInvokeError());
    }

    /// <summary>open(O_CREAT|O_TRUNC|O_WRONLY): the descriptor, or -errno.</summary>
    public static int OpenForWrite(string path)
    {
        var fd = open_(path, O_WRONLY | O_CREAT | O_TRUNC, 0x1A4);
        return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
    }

    /// <summary>write() of everything: 0, or the errno.</summary>
    public static unsafe int Write(int fd, ReadOnlySpan<byte> data)
    {
        var done = 0;
        fixed (byte* p = data)
        {
            while (done < data.Length)
            {
                var n = write_(fd, p + done, data.Length - done);
                if (n < 0) return Marshal.GetLastPInvokeError();
                done += (int)n;
            }
        }
        return 0;
    }

    /// <summary>fsync(2) of a directory (`sync DIR`): everything queued below it is in the bucket; 0 or the errno.</summary>
    public static int SyncDirectory(string path)
    {
        var fd = open_(path, 0x10000 /* O_DIRECTORY */, 0);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        var errno = fsync_(fd) == 0 ? 0 : Marshal.GetLastPInvokeError();
        close_(fd);
        return errno;
    }

    /// <summary>fsync(): 0, or the errno it returned.</summary>
    public static int Fsync(int fd) => fsync_(fd) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>close(): 0, or the errno it returned.</summary>
    public static int Close(int fd) => close_(fd) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Reads a whole file with open/read/close; the bytes, or the errno of the failing call.</summary>
    public static unsafe (byte[]? Data, int Errno) ReadFile(string path)
    {
        var fd = open_(path, O_RDONLY, 0);
        if (fd < 0) return (null, Marshal.GetLastPInvokeError());
        using var output = new MemoryStream();
        var buffer = new byte[1 << 20];
        try
        {
            fixed (byte* p = buffer)
            {
                while (true)
                {
                    var n = read_(fd, p, buffer.Length);
                    if (n < 0) return (null, Marshal.GetLastPInvokeError());
                    if (n == 0) break;
                    output.Write(buffer, 0, (int)n);
                }
            }
        }
        finally
        {
            close_(fd);
        }
        return (output.ToArray(), 0);
    }

    /// <summary>errno of stat(path), 0 when it succeeds.</summary>
    public static unsafe int StatErrno(string path)
    {
        var buffer = stackalloc byte[256];
        return stat_(path, buffer) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>True for a regular file (never opens it: a FIFO would block the reader until a writer comes).</summary>
    public static unsafe bool IsRegularFile(string path)
    {
        var buffer = stackalloc byte[256];
        if (lstat_(path, buffer) != 0) return false;
        var mode = *(uint*)(buffer + 24); // st_mode on x86_64 and aarch64 glibc
        return (mode & 0xF000) == 0x8000;
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "lstat")]
    private static extern unsafe int lstat_([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);

    public static string ErrnoName(int errno) => errno == 0 ? "0" : $"{errno} ({Marshal.GetPInvokeErrorMessage(errno)})";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
