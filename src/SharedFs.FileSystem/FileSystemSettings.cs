namespace SharedFs.FileSystem;

/// <summary>The filesystem's own settings (the mount adds where and how it is mounted).</summary>
internal sealed record FileSystemSettings
{
    /// <summary>How long a server answer stands for stat() of a name this mount knows (never for a new name, an open or a listing).</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Owner shown for objects without uid/gid metadata, and of the mount root.</summary>
    public uint DefaultUid { get; init; }
    public uint DefaultGid { get; init; }
    public uint RootPermissions { get; init; } = 0x1ED; // 0755
    public WriteBackMode WriteBack { get; init; } = WriteBackMode.Off;
    /// <summary>Nodes kept as a cache once the kernel forgot them (memory bound: about 300 bytes each).</summary>
    public int NodeCapacity { get; init; } = 200_000;
    /// <summary>The plan's size: df's total, and writes that would take the bucket past it are ENOSPC. Null: no limit here.</summary>
    public long? Quota { get; init; }
}
