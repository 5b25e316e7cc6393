using SharedFs.FileSystem.Nodes;
using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>
/// lookup, forget, getattr: the lookup pipeline. A name is answered from the table when this mount holds it
/// locally or the bucket answered about it less than the TTL ago; otherwise the bucket is asked, in one round
/// trip, and its answer goes through <see cref="NodeTable.Apply"/>. "No such name" is never remembered: the next
/// lookup of a missing name asks again, so a file another container made is found at once.
/// </summary>
internal sealed partial class SharedFileSystem
{
    private const int LookupAttempts = 3;

    public override ValueTask<FuseResult<FuseEntry>> LookupAsync(FuseContext context, ulong parent, string name) =>
        Guard<FuseEntry>("lookup", name, async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                Node directory;
                string parentKey, key;
                Node? known;
                RemoteVersion? version;
                Task? walk = null;
                lock (Gate)
                {
                    if (_table.Get(parent) is not { IsDirectory: true } found || found.State == NodeState.Unlinked) return Fail(Errno.ENOENT);
                    directory = found;
                    if (ChildKey(directory, name) is not { } childKey) return Fail(Errno.ENAMETOOLONG);
                    (parentKey, key) = (_table.KeyOf(directory), childKey);
                    known = _table.Child(directory, name);
                    if (known is { State: NodeState.Deleting }) return Fail(Errno.ENOENT); // removed here, its DELETE queued
                    if (known is not null && _table.IsTrusted(known)) return KnownEntry(known);
                    version = known?.Remote;
                    if (known is not null) walk = _walks.Begin(directory, parentKey.Length == 0 ? "" : parentKey + "/");
                }
                if (walk is not null)
                {
                    await walk.ConfigureAwait(false);
                    lock (Gate)
                    {
                        if (_table.Child(directory, name) == known && known!.State != NodeState.Unlinked && _table.IsTrusted(known)) return KnownEntry(known);
                    }
                }
                var answer = known is null
                    ? await _prober.ProbeNameAsync(key).ConfigureAwait(false)
                    : await _prober.RevalidateAsync(key, known.Kind, version).ConfigureAwait(false);
                lock (Gate)
                {
                    // Renamed or removed while the bucket was asked: the answer was about another key.
                    if (directory.State == NodeState.Unlinked) return Fail(Errno.ENOENT);
                    if (_table.KeyOf(directory) != parentKey)
                    {
                        if (attempt < LookupAttempts) continue;
                        return Fail(Errno.ENOENT);
                    }
                    if (_table.Apply(directory, name, answer) is not { } node) return Fail(Errno.ENOENT);
                    _table.AnswerGivenTo(node, context.Pid);
                    return FreshEntry(node);
                }
            }
        });

    /// <summary>
    /// A lookup the table answered: the open that may follow is another call than the one the bucket last answered,
    /// so it asks the bucket again (close-to-open).
    /// </summary>
    private FuseEntry KnownEntry(Node node)
    {
        _table.AnswerUsed(node);
        return EntryFor(node);
    }

    /// <summary>
    /// A lookup the bucket just answered: its answer serves the open of this same call, and only that one. The kernel
    /// may not keep the name (entry timeout 0), so the next path walk, say the open() that follows a stat(), comes
    /// back here, finds the answer in the table (<see cref="KnownEntry"/>) and its open asks the bucket: a file removed
    /// in between is not opened from the stat()'s answer.
    /// </summary>
    private FuseEntry FreshEntry(Node node)
    {
        var entry = EntryFor(node);
        return entry with { EntryTimeout = TimeSpan.Zero };
    }

    public override void Forget(ulong inode, ulong count)
    {
        lock (Gate) _table.Forget(inode, count);
    }

    /// <summary>
    /// stat(): the node's attributes while they may stand (a node held locally, open, or answered less than the TTL
    /// ago); else the bucket is asked about its key, in the form the node has.
    /// </summary>
    public override ValueTask<FuseResult<FuseAttributes>> GetAttributesAsync(FuseContext context, ulong inode, ulong? handle) =>
        Guard<FuseAttributes>("getattr", $"inode {inode}", async () =>
        {
            Node node;
            string key;
            RemoteVersion? version;
            lock (Gate)
            {
                if (_table.Get(inode) is not { } found) return Fail(Errno.ENOENT);
                node = found;
                if (node == _table.Root || node.State == NodeState.Unlinked || node.OpenHandles > 0 || _table.IsTrusted(node))
                    return AttributesOf(node);
                (key, version) = (_table.KeyOf(node), node.Remote);
            }
            var answer = await _prober.RevalidateAsync(key, node.Kind, version).ConfigureAwait(false);
            lock (Gate)
            {
                if (node.State == NodeState.Remote && node.Parent is not null && _table.KeyOf(node) != key) return AttributesOf(node);
                var (parentId, name) = (node.Parent?.Id, node.Name);
                if (_table.Apply(node, answer) || node.OpenHandles > 0) return AttributesOf(node);
                if (parentId is { } id) ForgetNameLater(id, name);
                return Fail(Errno.ENOENT);
            }
        });
}
