namespace SharedFs.Fuse;

/// <summary>A point in time as the kernel sees it (seconds and nanoseconds since the epoch).</summary>
public readonly record struct TimeSpec(long Seconds, long Nanoseconds)
{
    /// <summary>utimensat's "set to now" marker, passed through unchanged in <see cref="TimeSpec.Nanoseconds"/>.</summary>
    public const long UtimeNow = (1L << 30) - 1;
    /// <summary>utimensat's "leave unchanged" marker.</summary>
    public const long UtimeOmit = (1L << 30) - 2;

    public bool IsNow => Nanoseconds == UtimeNow;
    public bool IsOmit => Nanoseconds == UtimeOmit;

    public static TimeSpec FromDateTimeOffset(DateTimeOffset time)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return new TimeSpec(ticks / TimeSpan.TicksPerSecond, ticks % TimeSpan.TicksPerSecond * 100);
    }

    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.UnixEpoch.AddTicks(Seconds * TimeSpan.TicksPerSecond + Nanoseconds / 100);
}

/// <summary>The attributes of one file, as returned by getattr and readdir (managed form of struct stat).</summary>
public struct FileStat
{
    /// <summary>st_mode: type bits (S_IFREG, S_IFDIR, S_IFLNK) and permission bits.</summary>
    public uint Mode;
    public ulong LinkCount;
    public uint Uid;
    public uint Gid;
    public long Size;
    public ulong Inode;
    public TimeSpec AccessTime;
    public TimeSpec ModifyTime;
    public TimeSpec ChangeTime;
}

/// <summary>statfs answer (managed form of struct statvfs).</summary>
public struct FileSystemStats
{
    public ulong BlockSize;
    public ulong FragmentSize;
    public ulong Blocks;
    public ulong BlocksFree;
    public ulong BlocksAvailable;
    public ulong Files;
    public ulong FilesFree;
    public ulong MaxNameLength;
}

/// <summary>The per-open state exchanged with the kernel (managed form of struct fuse_file_info).</summary>
public struct OpenInfo
{
    /// <summary>open(2) flags (O_ACCMODE, O_TRUNC, O_APPEND…).</summary>
    public int Flags;
    /// <summary>The filesystem's own handle for this open file; 0 until the filesystem sets it.</summary>
    public ulong Handle;
    /// <summary>Keep the kernel page cache of this file on open (set by open/create).</summary>
    public bool KeepCache;
    /// <summary>Bypass the page cache for this open file.</summary>
    public bool DirectIo;
}
