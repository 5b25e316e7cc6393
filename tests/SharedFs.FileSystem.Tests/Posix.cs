using System.Runtime.InteropServices;

namespace SharedFs.FileSystem.Tests;

/// <summary>Direct libc calls, to check the exact errno the mount answers.</summary>
internal static partial class Posix
{
    public const int EPERM = 1, ENOENT = 2, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENOTEMPTY = 39,
        ENAMETOOLONG = 36, EIO = 5, ENOSPC = 28, ENODATA = 61, ENOTSUP = 95, ENOSYS = 38;

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string from, string to);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int fromDir, string from, int toDir, string to, uint flags);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string from, string to);

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mknod(string path, uint mode, ulong dev);

    [LibraryImport("libc", EntryPoint = "rmdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rmdir(string path);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int unlink(string path);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkdir(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "truncate", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int truncate(string path, long length);

    [LibraryImport("libc", EntryPoint = "getxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint getxattr(string path, string name, nint value, nuint size);

    [LibraryImport("libc", EntryPoint = "setxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setxattr(string path, string name, nint value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static partial nint pwrite(int fd, ReadOnlySpan<byte> buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int ftruncate(int fd, long length);

    private const int AtFdCwd = -100;
    public const int OWriteOnly = 0x1, OCreate = 0x40, OTruncate = 0x200, OAppend = 0x400;

    /// <summary>open(flags), pwrite at offset (ignored with O_APPEND), optional ftruncate, close: 0 or the first errno.</summary>
    public static int Write(string path, int flags, long offset, ReadOnlySpan<byte> data, long? truncateTo = null)
    {
        var fd = open(path, flags, 0x1A4);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        try
        {
            if (truncateTo is { } length && ftruncate(fd, length) < 0) return Marshal.GetLastPInvokeError();
            if (data.Length > 0 && pwrite(fd, data, (nuint)data.Length, offset) < 0) return Marshal.GetLastPInvokeError();
            return 0;
        }
        finally
        {
            // close() is where the upload happens: its errno matters (returned when nothing failed before).
            closeErrno = close(fd) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }

    [ThreadStatic] private static int closeErrno;

    /// <summary>open, then pwrite until everything is written (short writes continue) or an error: its errno.</summary>
    public static int WriteFully(string path, ReadOnlySpan<byte> data)
    {
        var fd = open(path, OWriteOnly | OCreate | OTruncate, 0x1A4);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        try
        {
            var done = 0;
            while (done < data.Length)
            {
                var n = pwrite(fd, data[done..], (nuint)(data.Length - done), done);
                if (n < 0) return Marshal.GetLastPInvokeError();
                done += (int)n;
            }
            return 0;
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>Like <see cref="Write"/>, but reports close()'s errno too.</summary>
    public static int WriteAndClose(string path, int flags, long offset, ReadOnlySpan<byte> data)
    {
        var result = Write(path, flags, offset, data);
        return result != 0 ? result : closeErrno;
    }

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);

    /// <summary>open, write, fsync (its errno returned), close.</summary>
    public static int WriteAndFsync(string path, ReadOnlySpan<byte> data)
    {
        var fd = open(path, OWriteOnly | OCreate | OTruncate, 0x1A4);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        try
        {
            if (pwrite(fd, data, (nuint)data.Length, 0) < 0) return Marshal.GetLastPInvokeError();
            return fsync(fd) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>0 on success, else the errno.</summary>
    private static int Check(long result) => result < 0 ? Marshal.GetLastPInvokeError() : 0;

    public static int Rename(string from, string to) => Check(rename(from, to));
    public static int RenameNoReplace(string from, string to) => Check(renameat2(AtFdCwd, from, AtFdCwd, to, 1));
    public static int Link(string from, string to) => Check(link(from, to));
    public static int MakeFifo(string path) => Check(mknod(path, 0x1000 | 0x1A4, 0));
    public static int RemoveDirectory(string path) => Check(rmdir(path));
    public static int Unlink(string path) => Check(unlink(path));
    public static int MakeDirectory(string path) => Check(mkdir(path, 0x1ED));
    public static int Truncate(string path, long length) => Check(truncate(path, length));
    public static int GetXAttr(string path, string name) => Check(getxattr(path, name, 0, 0));
    public static int SetXAttr(string path, string name) => Check(setxattr(path, name, 0, 0, 0));

    /// <summary>fsync(2) of a directory (what `sync DIR` does): 0 or the errno.</summary>
    public static int SyncDirectory(string path)
    {
        var fd = open(path, 0x10000 /* O_DIRECTORY */, 0);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        try
        {
            return fsync(fd) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>open(O_CREAT|O_EXCL|O_WRONLY) then close.</summary>
    public static int CreateExclusive(string path)
    {
        var fd = open(path, 0x40 | 0x80 | 0x1, 0x1A4);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        close(fd);
        return 0;
    }
}
