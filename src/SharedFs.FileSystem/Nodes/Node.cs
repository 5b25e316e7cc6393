using SharedFs.FileSystem.Content;

namespace SharedFs.FileSystem.Nodes;

/// <summary>
/// One inode: what this mount knows about one name of the bucket, and why. Every field is read and changed under
/// the table's lock (<see cref="NodeTable.Gate"/>), and only by the table's methods: a node never does I/O.
/// </summary>
internal sealed class Node(ulong id, NodeKind kind, Node? parent, string name)
{
    /// <summary>The inode number the kernel knows it by; never reused while the kernel holds a reference.</summary>
    public ulong Id { get; } = id;
    public NodeKind Kind { get; } = kind;
    public Node? Parent { get; internal set; } = parent;
    public string Name { get; internal set; } = name;
    public NodeState State { get; internal set; } = NodeState.Remote;
    public NodeAttributes Attributes { get; internal set; }

    /// <summary>What the bucket answered last about this node's object (null: not in the bucket, or never asked).</summary>
    public RemoteVersion? Remote { get; internal set; }
    /// <summary>Until when (TimeProvider timestamp) the last answer may stand for stat() and lookups without asking again.</summary>
    public long TrustedUntil { get; internal set; }
    /// <summary>
    /// A directory's mtime and ctime moved here (a name made, removed or renamed in it) on top of the bucket's version
    /// in <see cref="Remote"/>: they stand until the bucket shows another version of the directory.
    /// </summary>
    public bool LocalDirectoryTimes { get; internal set; }
    /// <summary>A directory: when a known child last needed a revalidation (a second one within the TTL is a walk).</summary>
    public long ChildRevalidatedAt { get; internal set; }
    /// <summary>A directory: until when its last walk listing stands (no second one before).</summary>
    public long WalkListedUntil { get; internal set; }
    /// <summary>When (TimeProvider timestamp) the bucket last answered about this node.</summary>
    public long AnsweredAt { get; internal set; }
    /// <summary>
    /// The last answer came from a lookup and no open() has used it yet: the open that follows the lookup takes it
    /// instead of asking again (once; later opens revalidate).
    /// </summary>
    public bool AnswerUnused { get; internal set; }
    /// <summary>The process whose lookup brought the unused answer: only its own open may take it.</summary>
    public int AnswerPid { get; internal set; }

    /// <summary>Open directory handles whose listing holds this node and may still serve it: it is not evicted before.</summary>
    public int ListedBy { get; internal set; }

    /// <summary>References the kernel holds (each entry answer adds one, forget gives them back).</summary>
    public ulong LookupCount { get; internal set; }
    /// <summary>Open handles (files and directories).</summary>
    public int OpenHandles { get; internal set; }
    /// <summary>Bumped by every local change of content or metadata: an upload only cleans the generation it sent.</summary>
    public long Generation { get; internal set; }

    /// <summary>The target of a symbolic link, once known.</summary>
    public string? LinkTarget { get; internal set; }
    /// <summary>Extended attributes (s3fs's x-amz-meta-xattr), with the other metadata.</summary>
    public ExtendedAttributes Xattrs { get; internal set; } = ExtendedAttributes.None;
    /// <summary>The first bytes of the remote version, brought by a lookup or an open (a cache, dropped when stale).</summary>
    public Prefix? Prefix { get; internal set; }
    /// <summary>This mount's bytes of a file being written (created on the first write or truncate).</summary>
    public FileContent? Content { get; internal set; }
    /// <summary>The parts of a big new file sent while it is written, if it is being written from its start.</summary>
    public Upload.StreamedUpload? Streamed { get; internal set; }
    /// <summary>The version whose pages the kernel may hold (an open keeps them only when it is still the current one).</summary>
    public string? KernelETag { get; internal set; }
    /// <summary>One upload of this node at a time (taken outside the table's lock, across the upload's awaits).</summary>
    public SemaphoreSlim UploadGate => LazyInitializer.EnsureInitialized(ref _uploadGate, static () => new SemaphoreSlim(1, 1));
    private SemaphoreSlim? _uploadGate;

    /// <summary>Children by name, for directories (only the names this mount has met: never a complete list).</summary>
    public Dictionary<string, Node>? Children { get; } = kind == NodeKind.Directory ? new(StringComparer.Ordinal) : null;

    /// <summary>Position in the table's list of nodes the kernel no longer references (eviction order).</summary>
    internal LinkedListNode<Node>? Idle { get; set; }

    public bool IsDirectory => Kind == NodeKind.Directory;

    public override string ToString() => $"#{Id} {Kind} '{Name}' {State}";
}
