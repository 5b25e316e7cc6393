namespace SharedFs.FileSystem.Nodes;

/// <summary>What a node is (its S_IFMT type).</summary>
internal enum NodeKind { File, Directory, SymbolicLink, Fifo, Socket, CharacterDevice, BlockDevice }

/// <summary>How a directory exists in the bucket: it decides what chmod, rename and rmdir must touch.</summary>
internal enum DirectoryForm
{
    /// <summary>Not a directory, or the mount root (no object at all).</summary>
    None,
    /// <summary>A "dir/" object (s3fs's and SharedFs's own).</summary>
    Marker,
    /// <summary>Only keys below it exist ("dir/file"): no object of its own.</summary>
    Implicit,
    /// <summary>A "dir_$folder$" object left by old S3 tools.</summary>
    LegacyFolder,
    /// <summary>A "dir" object (no slash) whose Content-Type says application/x-directory, as old s3fs wrote.</summary>
    PlainObject,
}

internal static class NodeKinds
{
    public static uint TypeBits(this NodeKind kind) => kind switch
    {
        NodeKind.Directory => FileMode.Directory,
        NodeKind.SymbolicLink => FileMode.SymbolicLink,
        NodeKind.Fifo => FileMode.Fifo,
        NodeKind.Socket => FileMode.Socket,
        NodeKind.CharacterDevice => FileMode.CharacterDevice,
        NodeKind.BlockDevice => FileMode.BlockDevice,
        _ => FileMode.Regular,
    };

    /// <summary>The kind of an st_mode's type bits; regular files when they say nothing (0).</summary>
    public static NodeKind FromMode(uint mode) => (mode & FileMode.TypeMask) switch
    {
        FileMode.Directory => NodeKind.Directory,
        FileMode.SymbolicLink => NodeKind.SymbolicLink,
        FileMode.Fifo => NodeKind.Fifo,
        FileMode.Socket => NodeKind.Socket,
        FileMode.CharacterDevice => NodeKind.CharacterDevice,
        FileMode.BlockDevice => NodeKind.BlockDevice,
        _ => NodeKind.File,
    };

    /// <summary>Kinds whose object body is data (files) rather than nothing or a link target.</summary>
    public static bool HasContent(this NodeKind kind) => kind == NodeKind.File;
}
