using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>What we know of one path: its type, POSIX attributes and which object holds it.</summary>
internal sealed record NodeInfo
{
    public required NodeKind Kind { get; init; }
    /// <summary>Permission bits only (the type comes from <see cref="Kind"/>).</summary>
    public required uint Permissions { get; init; }
    public required uint Uid { get; init; }
    public required uint Gid { get; init; }
    public required long Size { get; init; }
    public required TimeSpec ModifyTime { get; init; }
    public required TimeSpec ChangeTime { get; init; }
    public required TimeSpec AccessTime { get; init; }
    /// <summary>The object's ETag (files and symlinks), to tell whether the content changed.</summary>
    public string? ETag { get; init; }
    public DirectoryForm DirectoryForm { get; init; }
    /// <summary>The object's Content-Type, kept when only the metadata is rewritten.</summary>
    public string? ContentType { get; init; }

    public uint Mode => Permissions | Kind switch
    {
        NodeKind.Directory => FileMode.Directory,
        NodeKind.SymbolicLink => FileMode.SymbolicLink,
        _ => FileMode.Regular,
    };

    public FileStat ToStat()
    {
        return new FileStat
        {
            Mode = Mode,
            LinkCount = Kind == NodeKind.Directory ? 2UL : 1UL,
            Uid = Uid,
            Gid = Gid,
            Size = Kind == NodeKind.Directory ? 4096 : Size,
            ModifyTime = ModifyTime,
            ChangeTime = ChangeTime,
            AccessTime = AccessTime,
        };
    }
}
