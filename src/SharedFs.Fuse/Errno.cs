namespace SharedFs.Fuse;

/// <summary>Linux errno values the filesystem callbacks return, negated (return -Errno.ENOENT).</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, EIO = 5, EBADF = 9, EAGAIN = 11, ENOMEM = 12, EACCES = 13,
        EBUSY = 16, EEXIST = 17, EXDEV = 18, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, EFBIG = 27,
        ENOSPC = 28, EROFS = 30, EMLINK = 31, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38,
        ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, ENOTSUP = 95, ETIMEDOUT = 110;
}

/// <summary>st_mode type bits.</summary>
public static class FileMode
{
    public const uint TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000, SymbolicLink = 0xA000,
        PermissionMask = 0xFFF;
}
