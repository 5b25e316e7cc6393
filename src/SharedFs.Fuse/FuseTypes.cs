namespace SharedFs.Fuse;

/// <summary>Who made a request: the caller's ids, process and umask (fuse_req_ctx).</summary>
public readonly record struct FuseContext(uint Uid, uint Gid, int Pid, uint Umask)
{
    public bool IsRoot => Uid == 0;
}

/// <summary>
/// The answer to every call that gives the kernel a name (lookup, create, mkdir, mknod, symlink, link): the
/// inode, its attributes, and how long the kernel may use the name and the attributes without asking again.
/// </summary>
public readonly record struct FuseEntry(ulong Inode, FileStat Attributes, TimeSpan EntryTimeout, TimeSpan AttributeTimeout);

/// <summary>The answer to getattr and setattr: the attributes and how long the kernel may keep them.</summary>
public readonly record struct FuseAttributes(FileStat Stat, TimeSpan Timeout);

/// <summary>The answer to open, opendir and create: the filesystem's handle and the kernel's caching choices.</summary>
public readonly record struct FuseOpen(ulong Handle, bool KeepCache = false, bool DirectIo = false);

/// <summary>What a setattr asks to change; null fields stay as they are. "Now" times are the caller's clock.</summary>
public readonly record struct AttributeChanges(uint? Mode, uint? Uid, uint? Gid, long? Size,
    TimeSpec? AccessTime, TimeSpec? ModifyTime, bool AccessTimeNow, bool ModifyTimeNow)
{
    public bool ChangesTimes => AccessTime is not null || ModifyTime is not null || AccessTimeNow || ModifyTimeNow;
}

/// <summary>An errno to answer with (positive, as in errno.h).</summary>
public readonly record struct FuseError(int Errno);

/// <summary>A value, or the errno that replaces it.</summary>
public readonly struct FuseResult<T>
{
    private FuseResult(int error, T value)
    {
        Error = error;
        Value = value;
    }

    /// <summary>0 on success, else a positive errno.</summary>
    public int Error { get; }
    public T Value { get; }
    public bool Ok => Error == 0;

    public static implicit operator FuseResult<T>(T value) => new(0, value);
    public static implicit operator FuseResult<T>(FuseError error) =>
        error.Errno > 0 ? new FuseResult<T>(error.Errno, default!) : throw new ArgumentOutOfRangeException(nameof(error), "an errno is positive");
}
