namespace SharedFs.Fuse;

/// <summary>A point in time as the kernel sees it (seconds and nanoseconds since the epoch).</summary>
public readonly record struct TimeSpec(long Seconds, long Nanoseconds)
{
    public static TimeSpec FromDateTimeOffset(DateTimeOffset time)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return new TimeSpec(Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rest), rest * 100);
    }

    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.UnixEpoch.AddTicks(Seconds * TimeSpan.TicksPerSecond + Nanoseconds / 100);

    public static bool operator <(TimeSpec a, TimeSpec b) => a.Seconds < b.Seconds || (a.Seconds == b.Seconds && a.Nanoseconds < b.Nanoseconds);
    public static bool operator >(TimeSpec a, TimeSpec b) => b < a;
}

/// <summary>The attributes of one file, as the kernel receives them (managed form of struct stat).</summary>
public struct FileStat
{
    /// <summary>st_mode: the type bits (S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO…) and the permission bits.</summary>
    public uint Mode;
    public ulong LinkCount;
    public uint Uid;
    public uint Gid;
    /// <summary>The device number of a character or block device.</summary>
    public ulong RDev;
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
