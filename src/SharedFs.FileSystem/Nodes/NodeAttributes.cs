using SharedFs.Fuse;

namespace SharedFs.FileSystem.Nodes;

/// <summary>The POSIX attributes of a node, without its type (the node's kind) and without its inode number.</summary>
internal readonly record struct NodeAttributes(
    uint Permissions, uint Uid, uint Gid, long Size, TimeSpec ModifyTime, TimeSpec ChangeTime, TimeSpec AccessTime, ulong Device = 0)
{
    /// <summary>The twelve permission bits (set-user-ID, set-group-ID, sticky and rwx × 3).</summary>
    public uint Permissions { get; init; } = Permissions & FileMode.PermissionMask;

    public static NodeAttributes Fresh(uint permissions, uint uid, uint gid, TimeSpec now, long size = 0, ulong device = 0) =>
        new(permissions, uid, gid, size, now, now, now, device);

    public FileStat ToStat(NodeKind kind, ulong inode) => new()
    {
        Mode = kind.TypeBits() | Permissions,
        LinkCount = kind == NodeKind.Directory ? 2UL : 1UL,
        Uid = Uid,
        Gid = Gid,
        RDev = Device,
        Size = kind == NodeKind.Directory ? 4096 : Size,
        Inode = inode,
        AccessTime = AccessTime,
        ModifyTime = ModifyTime,
        ChangeTime = ChangeTime,
    };
}
