namespace SharedFs.FileSystem.Nodes;

/// <summary>This mount's own changes to the table: names made, removed and moved, attributes set, uploads done.</summary>
internal sealed partial class NodeTable
{
    /// <summary>
    /// A name made here (create, mkdir, symlink, mknod). <paramref name="state"/> is <see cref="NodeState.New"/>
    /// for a file not uploaded yet, <see cref="NodeState.Remote"/> with <paramref name="remote"/> when the bucket has
    /// it already. Whatever the name led to before is detached.
    /// </summary>
    public Node Add(Node parent, string name, NodeKind kind, NodeAttributes attributes, NodeState state, RemoteVersion? remote = null)
    {
        if (Child(parent, name) is { } previous) DetachFromName(previous);
        var node = NewNode(kind, parent, name);
        node.Attributes = attributes;
        node.State = state;
        node.Remote = remote;
        node.TrustedUntil = Now + TtlTicks;
        node.AnsweredAt = Now;
        UpdateIdle(node);
        return node;
    }

    /// <summary>unlink, rmdir, or a name the bucket no longer has: the node keeps serving its handles, nameless.</summary>
    public void Remove(Node node) => DetachFromName(node);

    /// <summary>unlink with write-back on: the name is gone for this mount until the queued DELETE lands (then <see cref="Remove"/>).</summary>
    public void Deleting(Node node)
    {
        node.State = NodeState.Deleting;
        node.Prefix = null;
        UpdateIdle(node);
    }

    /// <summary>rename: the node (and so its whole subtree, whose keys derive from it) moves; a replaced node is detached.</summary>
    public void Move(Node node, Node newParent, string newName)
    {
        if (Child(newParent, newName) is { } replaced && replaced != node) DetachFromName(replaced);
        if (node.Parent is { } oldParent && oldParent.Children!.TryGetValue(node.Name, out var current) && current == node)
        {
            oldParent.Children.Remove(node.Name);
            UpdateIdle(oldParent);
        }
        node.Parent = newParent;
        node.Name = newName;
        newParent.Children![newName] = node;
        UpdateIdle(newParent);
    }

    /// <summary>A local change of content or metadata: the node is dirty (or stays new) until an upload of it lands.</summary>
    public void Changed(Node node, NodeAttributes attributes)
    {
        node.Attributes = attributes;
        node.Generation++;
        if (node.State is NodeState.Remote or NodeState.Uploading) node.State = NodeState.Dirty;
        node.Prefix = null;
        UpdateIdle(node);
    }

    /// <summary>A metadata change the bucket already has (a server-side copy): attributes and version, nothing pending.</summary>
    public void Stored(Node node, NodeAttributes attributes, RemoteVersion version)
    {
        node.Attributes = attributes;
        node.Remote = version;
        node.TrustedUntil = Now + TtlTicks;
        node.AnsweredAt = Now;
        if (node.Prefix is { } prefix && prefix.ETag != version.ETag) node.Prefix = null;
        UpdateIdle(node);
    }

    /// <summary>The upload of <paramref name="generation"/> is starting; returns false if the node is not uploadable.</summary>
    public bool UploadStarting(Node node, long generation)
    {
        if (node.State is not (NodeState.New or NodeState.Dirty) || node.Generation != generation) return false;
        node.State = NodeState.Uploading;
        return true;
    }

    /// <summary>
    /// The bucket now holds <paramref name="generation"/> as <paramref name="version"/>. Unchanged since: the node is
    /// clean. Changed meanwhile: it stays dirty (the next flush sends the rest). Unlinked meanwhile: nothing to do.
    /// </summary>
    public void Uploaded(Node node, long generation, RemoteVersion version)
    {
        node.Remote = version;
        node.TrustedUntil = Now + TtlTicks;
        node.AnsweredAt = Now;
        if (node.State == NodeState.Unlinked) return;
        node.State = node.Generation == generation ? NodeState.Remote : NodeState.Dirty;
        UpdateIdle(node);
    }

    /// <summary>The upload failed: the node is dirty again (or still new when the bucket never had it).</summary>
    public void UploadFailed(Node node)
    {
        if (node.State == NodeState.Uploading) node.State = node.Remote is null ? NodeState.New : NodeState.Dirty;
        UpdateIdle(node);
    }

    /// <summary>The node's local bytes, set when they are first needed; null drops them (the node is clean).</summary>
    public void SetContent(Node node, Content.FileContent? content)
    {
        if (node.Content is { } old && old != content) old.Discard();
        node.Content = content;
        UpdateIdle(node);
    }

    /// <summary>The first bytes of the version the bucket now holds (after an upload of a small file, or a read).</summary>
    public void SetPrefix(Node node, Prefix? prefix)
    {
        if (prefix is null || node.Remote?.ETag == prefix.ETag) node.Prefix = prefix;
    }

    /// <summary>
    /// A name was made, removed or renamed in the directory: its mtime and ctime move. This mount's view only (storing
    /// it would cost a request per change): they stand until the bucket shows another version of the directory.
    /// </summary>
    public void DirectoryChanged(Node directory)
    {
        var now = WallClock;
        directory.Attributes = directory.Attributes with { ModifyTime = now, ChangeTime = now };
        directory.LocalDirectoryTimes = true;
    }

    /// <summary>
    /// How soon after its lookup an open may take the lookup's answer instead of asking the bucket again: the kernel
    /// sends them back to back within one open() (microseconds apart, milliseconds on a loaded machine). An open that
    /// comes later, or from another process, is another call and asks again, so close-to-open holds for it.
    /// </summary>
    public static readonly TimeSpan LookupToOpen = TimeSpan.FromMilliseconds(10);

    /// <summary>The answer just applied came from a lookup by this process.</summary>
    public void AnswerGivenTo(Node node, int pid) => node.AnswerPid = pid;

    /// <summary>The open of <paramref name="pid"/> follows the lookup whose answer is still unused, right after it.</summary>
    public bool AnswerServesOpen(Node node, int pid) =>
        node.AnswerUnused && node.AnswerPid == pid && IsTrusted(node)
        && Now - node.AnsweredAt <= (long)(LookupToOpen.TotalSeconds * _clock.TimestampFrequency);

    /// <summary>The open that follows a lookup used the lookup's answer: later opens ask again.</summary>
    public void AnswerUsed(Node node) => node.AnswerUnused = false;
}
