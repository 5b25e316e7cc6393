namespace SharedFs.FileSystem.Nodes;

/// <summary>The one place where the bucket's answers change the table.</summary>
internal sealed partial class NodeTable
{
    /// <summary>
    /// The bucket answered about <paramref name="name"/> in <paramref name="parent"/>: null means there is no such
    /// name. Returns the node the name leads to now, or null. A node holding local changes keeps them (the bucket
    /// does not have them yet); a node of another kind is replaced (someone removed the name and made it anew).
    /// With <paramref name="listing"/>, the node returned is held by an open directory's listing (see <see cref="Listed"/>)
    /// from before it could be evicted.
    /// </summary>
    public Node? Apply(Node parent, string name, RemoteAnswer? answer, bool listing = false)
    {
        var existing = Child(parent, name);
        if (existing is not null && existing.State.IsLocal()) return Held(existing, listing);
        // Only when the answer would remove it (rare): a directory over files still being written stays.
        if (existing is not null && (answer is null || answer.Kind != existing.Kind) && HoldsLocalBelow(existing)) return Held(existing, listing);
        if (answer is null)
        {
            if (existing is not null) DetachFromName(existing);
            return null;
        }
        if (existing is not null && existing.Kind != answer.Kind)
        {
            DetachFromName(existing);
            existing = null;
        }
        var node = existing ?? NewNode(answer.Kind, parent, name);
        if (listing) node.ListedBy++;
        Refresh(node, answer);
        return node;
    }

    private static Node Held(Node node, bool listing)
    {
        if (listing) node.ListedBy++;
        return node;
    }

    /// <summary>
    /// The bucket answered about the object of a node known by its inode (getattr, open): null means it is gone.
    /// Returns false when the node no longer stands for that name (gone, or now of another kind).
    /// </summary>
    public bool Apply(Node node, RemoteAnswer? answer)
    {
        if (node.State.IsLocal() || node.State == NodeState.Unlinked) return node.State != NodeState.Unlinked;
        if (answer?.Kind != node.Kind && HoldsLocalBelow(node)) return true;
        if (answer is null || answer.Kind != node.Kind)
        {
            var parent = node.Parent;
            var name = node.Name;
            DetachFromName(node);
            if (answer is not null && parent is not null) Apply(parent, name, answer);
            return false;
        }
        Refresh(node, answer);
        return true;
    }

    /// <summary>
    /// A listing showed the file with this size, ETag and Last-Modified: when that is the version the node holds,
    /// its attributes are proven current without a HEAD. Returns whether they were.
    /// </summary>
    public bool ConfirmListed(Node node, string? etag, long size, DateTimeOffset lastModified)
    {
        if (node.State != NodeState.Remote || node.Remote is not { } version || !version.Matches(etag, size, lastModified)) return false;
        node.TrustedUntil = Now + TtlTicks;
        return true;
    }

    /// <summary>A listing showed the directory (by its children or its marker): it still exists.</summary>
    public void ConfirmDirectory(Node node)
    {
        if (node.State == NodeState.Remote) node.TrustedUntil = Now + TtlTicks;
    }

    /// <summary>
    /// A complete listing of <paramref name="directory"/> did not show these known children: they are gone from the
    /// bucket (unless this mount holds them locally, or made them after the listing began).
    /// </summary>
    public void ApplyAbsent(Node directory, IReadOnlySet<string> listed, long listingStarted)
    {
        foreach (var (name, child) in directory.Children!.ToList())
        {
            if (listed.Contains(name) || child.State != NodeState.Remote || child.AnsweredAt > listingStarted || HoldsLocalBelow(child)) continue;
            DetachFromName(child);
        }
    }

    /// <summary>
    /// A directory with something below it that only this mount has (a file being written): the bucket not showing the
    /// directory does not remove it here, or that file would lose its name before its upload recreates the prefix.
    /// </summary>
    private static bool HoldsLocalBelow(Node node) =>
        node.Children is { Count: > 0 } children && children.Values.Any(child => child.State.IsLocal() || HoldsLocalBelow(child));

    private void Refresh(Node node, RemoteAnswer answer)
    {
        var sameVersion = node.Remote?.ETag == answer.Version.ETag && node.Remote?.Size == answer.Version.Size;
        // This mount's directory times stand while the marker is the one it knows (possibly dated by our own clock).
        var keepTimes = node.LocalDirectoryTimes && node.Remote is { } known && known.IsOwnWrite(answer.Version);
        node.Attributes = keepTimes
            ? answer.Attributes with { ModifyTime = node.Attributes.ModifyTime, ChangeTime = node.Attributes.ChangeTime }
            : answer.Attributes;
        node.LocalDirectoryTimes = keepTimes;
        node.Remote = answer.Version;
        node.Xattrs = answer.Xattrs;
        if (answer.LinkTarget is not null) node.LinkTarget = answer.LinkTarget;
        else if (!sameVersion) node.LinkTarget = null;
        if (answer.Prefix is not null) node.Prefix = answer.Prefix;
        else if (node.Prefix?.ETag != answer.Version.ETag) node.Prefix = null;
        // Bytes kept from this mount's own last version (uploaded, still open here) are not the new version's.
        if (!sameVersion && node.Content is not null) SetContent(node, null);
        node.TrustedUntil = Now + TtlTicks;
        node.AnsweredAt = Now;
        node.AnswerUnused = true;
        node.AnswerPid = 0; // not a lookup's answer (listing, getattr, open) until AnswerGivenTo says whose
        UpdateIdle(node);
    }
}
