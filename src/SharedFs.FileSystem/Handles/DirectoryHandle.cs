using SharedFs.FileSystem.Nodes;

namespace SharedFs.FileSystem.Handles;

/// <summary>One opendir(3): the directory and the entries its listing found, in order, served by offset.</summary>
internal sealed class DirectoryHandle(Node directory, IReadOnlyList<Node> entries)
{
    public Node Directory { get; } = directory;
    /// <summary>The children as listed when the directory was opened (readdir offsets index this list, after "." and "..").</summary>
    public IReadOnlyList<Node> Entries { get; } = entries;
}
