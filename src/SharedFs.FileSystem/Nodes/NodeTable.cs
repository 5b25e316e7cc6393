using SharedFs.Fuse;

namespace SharedFs.FileSystem.Nodes;

/// <summary>
/// The superblock: every node this mount knows, by inode number and by (directory, name). One lock guards the
/// whole table and every node's fields; nothing under it waits for anything (no I/O, no await), so holding it is
/// always short. Nodes the kernel no longer references, with no handle and nothing local, are kept as a cache
/// and evicted oldest first beyond <c>capacity</c>.
/// The table changes from server answers in <see cref="Apply"/> only (NodeTable.Apply.cs); local changes have
/// their own methods (NodeTable.Local.cs).
/// </summary>
internal sealed partial class NodeTable
{
    private readonly Dictionary<ulong, Node> _nodes = [];
    // Nodes nobody holds (kernel, handles) and nothing local: evictable, least recently used first.
    private readonly LinkedList<Node> _idle = new();
    private readonly TimeProvider _clock;
    private readonly int _capacity;
    private ulong _nextId = FuseFileSystem.RootInode + 1;

    public NodeTable(TimeProvider clock, TimeSpan ttl, NodeAttributes rootAttributes, int capacity = 200_000)
    {
        _clock = clock;
        Ttl = ttl;
        _capacity = capacity;
        Root = new Node(FuseFileSystem.RootInode, NodeKind.Directory, null, "") { Attributes = rootAttributes, LookupCount = 1 };
        _nodes[Root.Id] = Root;
    }

    /// <summary>Guards the table and every node.</summary>
    public Lock Gate { get; } = new();
    public Node Root { get; }
    /// <summary>How long a server answer stands for stat() and for names this mount already knows.</summary>
    public TimeSpan Ttl { get; }
    public int Count => _nodes.Count;

    public long Now => _clock.GetTimestamp();
    public long TtlTicks => (long)(Ttl.TotalSeconds * _clock.TimestampFrequency);
    public TimeSpec WallClock => TimeSpec.FromDateTimeOffset(_clock.GetUtcNow());

    public Node? Get(ulong id) => _nodes.GetValueOrDefault(id);

    /// <summary>Every node holding something the bucket has not got yet.</summary>
    public List<Node> LocalNodes() => _nodes.Values.Where(n => n.State.IsLocal()).ToList();

    public Node? Child(Node directory, string name) => directory.Children?.GetValueOrDefault(name);

    /// <summary>The node's answer may stand without asking the bucket: it is local, or the answer is recent.</summary>
    public bool IsTrusted(Node node) => node.State != NodeState.Remote || Now < node.TrustedUntil;

    /// <summary>How long the kernel may keep the node's name and attributes (the rest of its trust, or the TTL).</summary>
    public TimeSpan KernelTimeout(Node node)
    {
        if (node.State != NodeState.Remote) return Ttl;
        var left = _clock.GetElapsedTime(Now, node.TrustedUntil);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>The object key of a file (or the key prefix of a directory, without its slash); "" for the root.</summary>
    public string KeyOf(Node node)
    {
        if (node == Root) return "";
        if (node.Parent is null) throw new InvalidOperationException($"{node} has no name any more");
        var parts = new Stack<string>();
        for (var n = node; n != Root; n = n.Parent ?? throw new InvalidOperationException($"{node} lost its parent"))
            parts.Push(n.Name);
        return string.Join('/', parts);
    }

    /// <summary>"dir/": the marker of a directory and the prefix of its children; "" for the root.</summary>
    public string DirectoryKeyOf(Node directory) => directory == Root ? "" : KeyOf(directory) + "/";

    /// <summary>True when <paramref name="node"/> is <paramref name="ancestor"/> or lies below it.</summary>
    public static bool IsSameOrBelow(Node node, Node ancestor)
    {
        for (Node? n = node; n is not null; n = n.Parent)
            if (n == ancestor) return true;
        return false;
    }

    /// <summary>The kernel now holds one more reference (an entry answer is on its way).</summary>
    public void Reference(Node node)
    {
        node.LookupCount++;
        UpdateIdle(node);
    }

    public void Forget(ulong id, ulong count)
    {
        if (!_nodes.TryGetValue(id, out var node) || node == Root) return;
        node.LookupCount = count >= node.LookupCount ? 0 : node.LookupCount - count;
        UpdateIdle(node);
    }

    public void HandleOpened(Node node)
    {
        node.OpenHandles++;
        UpdateIdle(node);
    }

    public void HandleClosed(Node node)
    {
        node.OpenHandles--;
        UpdateIdle(node);
    }

    /// <summary>An open directory's listing holds these nodes until it is released (readdir serves them by offset).</summary>
    public void Listed(IEnumerable<Node> nodes, bool held)
    {
        foreach (var node in nodes)
        {
            node.ListedBy += held ? 1 : -1;
            UpdateIdle(node);
        }
    }

    private ulong NextId() => _nextId++;

    private Node NewNode(NodeKind kind, Node parent, string name)
    {
        var node = new Node(NextId(), kind, parent, name);
        _nodes[node.Id] = node;
        parent.Children![name] = node;
        UpdateIdle(parent);
        return node;
    }

    /// <summary>The name no longer leads to the node: it keeps serving whoever holds it, and goes when they let go.</summary>
    private void DetachFromName(Node node)
    {
        if (node.Parent is { } parent && parent.Children!.TryGetValue(node.Name, out var current) && current == node)
        {
            parent.Children.Remove(node.Name);
            UpdateIdle(parent);
        }
        node.Parent = null;
        node.State = NodeState.Unlinked;
        node.Prefix = null;
        UpdateIdle(node);
    }

    /// <summary>Keeps the idle list right after a change of the node's references, state or children; evicts if needed.</summary>
    private void UpdateIdle(Node node)
    {
        if (node == Root) return;
        var unused = node.LookupCount == 0 && node.OpenHandles == 0 && node.ListedBy == 0 && !node.State.IsLocal()
                     && node.Children is not { Count: > 0 } && node.Content is null;
        if (unused && node.State == NodeState.Unlinked)
        {
            Drop(node);
            return;
        }
        if (node.Idle is { } entry) _idle.Remove(entry);
        node.Idle = unused ? _idle.AddLast(node) : null;
        while (_nodes.Count > _capacity && _idle.First is { } oldest) Evict(oldest.Value);
    }

    private void Evict(Node node)
    {
        if (node.Parent is { } parent && parent.Children!.TryGetValue(node.Name, out var current) && current == node)
        {
            parent.Children.Remove(node.Name);
            Drop(node);
            UpdateIdle(parent);
        }
        else
        {
            Drop(node);
        }
    }

    private void Drop(Node node)
    {
        if (node.Idle is { } entry) _idle.Remove(entry);
        node.Idle = null;
        _nodes.Remove(node.Id);
        node.Content?.Discard();
        node.Content = null;
    }
}
