namespace SharedFs.Fuse;

/// <summary>Linux errno values (positive: the binding hands them to fuse_reply_err as they are).</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, EIO = 5, EBADF = 9, EAGAIN = 11, ENOMEM = 12, EACCES = 13,
        EBUSY = 16, EEXIST = 17, EXDEV = 18, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, EFBIG = 27,
        ENOSPC = 28, EROFS = 30, EMLINK = 31, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38,
        ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOPNOTSUPP = 95, ENOTSUP = 95, EDQUOT = 122, ETIMEDOUT = 110;

    public static FuseError Fail(int errno) => new(errno);
}

/// <summary>st_mode type bits.</summary>
public static class FileMode
{
    public const uint TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000, SymbolicLink = 0xA000,
        Fifo = 0x1000, CharacterDevice = 0x2000, BlockDevice = 0x6000, Socket = 0xC000,
        PermissionMask = 0xFFF, SetUid = 0x800, SetGid = 0x400, Sticky = 0x200;
}
