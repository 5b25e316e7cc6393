namespace SharedFs.FileSystem.Nodes;

/// <summary>What the bucket said a name is: the only input <see cref="NodeTable.Apply"/> takes from the server.</summary>
internal sealed record RemoteAnswer(NodeKind Kind, NodeAttributes Attributes, RemoteVersion Version, ExtendedAttributes Xattrs)
{
    /// <summary>A symbolic link's target, when the answer brought the object's body.</summary>
    public string? LinkTarget { get; init; }
    /// <summary>The object's first bytes, when the answer was a GET.</summary>
    public Prefix? Prefix { get; init; }
}
