using System.Runtime.InteropServices;

namespace SharedFs.Fuse.Tests.Infrastructure;

/// <summary>Raw libc calls, to see the exact errno a program gets from the mount.</summary>
internal static partial class Posix
{
    public const int ENOENT = 2, EIO = 5, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, ENOTEMPTY = 39, ENODATA = 61,
        ENOTSUP = 95, ENOTCONN = 107;
    public const int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_EXCL = 0x80;
    public const int MNT_DETACH = 2;


    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkdir(string path, uint mode);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rmdir(string path);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlink(string path);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rename(string from, string to);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc.so.6", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int access(string path, int mode);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint getxattr(string path, string name, byte[]? value, nuint size);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint setxattr(string path, string name, byte[] value, nuint size, int flags);

    [LibraryImport("libc.so.6", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string path, int flags);

    /// <summary>0 on success, else the errno of the failed call.</summary>
    public static int Errno(long result) => result >= 0 ? 0 : Marshal.GetLastPInvokeError();

    [LibraryImport("libc.so.6", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int stat(string path, byte[] buffer);

    /// <summary>errno of stat(path), 0 on success.</summary>
    public static int StatErrno(string path) => Errno(stat(path, new byte[256]));

    /// <summary>open(…O_CREAT|O_EXCL) and close: the errno an exclusive create gets.</summary>
    public static int CreateExclusive(string path)
    {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 420);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        close(fd);
        return 0;
    }

    /// <summary>st_ino of the path (struct stat on x86_64: st_ino at offset 8).</summary>
    public static ulong InodeOf(string path)
    {
        var buffer = new byte[256];
        if (stat(path, buffer) != 0) throw new IOException($"stat {path}: errno {Marshal.GetLastPInvokeError()}");
        return BitConverter.ToUInt64(buffer, 8);
    }
}
