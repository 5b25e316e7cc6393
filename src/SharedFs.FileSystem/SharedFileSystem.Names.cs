using SharedFs.FileSystem.Metadata;
using SharedFs.FileSystem.Nodes;
using SharedFs.FileSystem.Upload;
using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>unlink and rename: names moved and removed, each in the bucket when it returns.</summary>
internal sealed partial class SharedFileSystem
{
    private const uint RenameNoReplace = 1, RenameExchange = 2;
    private const int ParallelCopies = 32;

    public override ValueTask<int> UnlinkAsync(FuseContext context, ulong parent, string name) =>
        GuardErrno("unlink", name, async () =>
        {
            var (node, error) = await ChildAsync(parent, name).ConfigureAwait(false);
            if (node is null) return error;
            if (node.IsDirectory) return Errno.EISDIR;
            await node.UploadGate.WaitAsync().ConfigureAwait(false);
            try
            {
                string key;
                bool inBucket;
                long storedSize;
                lock (Gate)
                {
                    if (node.State == NodeState.Unlinked) return 0;
                    key = _table.KeyOf(node);
                    inBucket = node.Remote is not null;
                    storedSize = node.Remote?.Size ?? 0;
                }
                // Open handles keep reading and writing the old content (POSIX): what is only in the bucket comes here first.
                await KeepContentForHandlesAsync(node, key).ConfigureAwait(false);
                if (inBucket && _writeBack == WriteBackMode.On)
                {
                    lock (Gate)
                    {
                        node.Streamed?.Abandon(); // its parts belong to a name that is going
                        node.Streamed = null;
                        if (node.Parent is { } directory) DirectoryChanged(directory);
                        _table.Deleting(node);
                    }
                    _ = await _queue.EnqueueBackgroundAsync(key, () => DeleteQueuedAsync(node, key, storedSize)).ConfigureAwait(false);
                    return 0;
                }
                if (inBucket)
                {
                    await _store.DeleteAsync(key).ConfigureAwait(false);
                    _usage.Changed(storedSize, 0);
                }
                lock (Gate)
                {
                    node.Streamed?.Abandon();
                    node.Streamed = null;
                    if (node.Parent is { } directory) DirectoryChanged(directory);
                    node.Attributes = node.Attributes with { ChangeTime = _table.WallClock };
                    _table.Remove(node);
                }
                return 0;
            }
            finally
            {
                node.UploadGate.Release();
            }
        });

    /// <summary>Write-back on: the queued DELETE of an unlinked file; the name stays gone for this mount either way.</summary>
    private async Task DeleteQueuedAsync(Node node, string key, long storedSize)
    {
        try
        {
            await _store.DeleteAsync(key).ConfigureAwait(false);
            _usage.Changed(storedSize, 0);
        }
        catch (Exception e) when (IsExpected(e))
        {
            // unlink() returned long ago: only the log can tell.
            FsLog.Warn($"delete of {key} failed, the object is still in the bucket: {e.Message}");
        }
        lock (Gate)
        {
            if (node.State == NodeState.Deleting) _table.Remove(node);
        }
    }

    /// <summary>The node behind a name the kernel has just looked up (it is in the table), or the bucket's answer.</summary>
    private async Task<(Node? Node, int Error)> ChildAsync(ulong parent, string name)
    {
        Node directory;
        string key;
        lock (Gate)
        {
            if (_table.Get(parent) is not { IsDirectory: true } found || found.State == NodeState.Unlinked) return (null, Errno.ENOENT);
            if (_table.Child(found, name) is { } known) return known.State == NodeState.Deleting ? (null, Errno.ENOENT) : (known, 0);
            directory = found;
            if (ChildKey(directory, name) is not { } childKey) return (null, Errno.ENAMETOOLONG);
            key = childKey;
        }
        var answer = await _prober.ProbeNameAsync(key).ConfigureAwait(false);
        lock (Gate) return _table.Apply(directory, name, answer) is { } node ? (node, 0) : (null, Errno.ENOENT);
    }

    /// <summary>Before the object goes (unlink, or a rename over it): open handles get the whole content locally.</summary>
    private async Task KeepContentForHandlesAsync(Node node, string key)
    {
        bool open;
        lock (Gate) open = node.OpenHandles > 0 && node.Kind == NodeKind.File && node.Remote is not null;
        if (!open) return;
        var content = ContentOf(node);
        await BaseFetcher.EnsureLocalAsync(_store, key, content, 0, content.Size).ConfigureAwait(false);
    }

    public override ValueTask<int> RenameAsync(FuseContext context, ulong parent, string name, ulong newParent, string newName, uint flags) =>
        GuardErrno("rename", name, async () =>
        {
            if ((flags & RenameExchange) != 0) return Errno.EINVAL;
            var (source, error) = await ChildAsync(parent, name).ConfigureAwait(false);
            if (source is null) return error;
            Node targetDirectory;
            Node? target;
            lock (Gate)
            {
                if (_table.Get(newParent) is not { IsDirectory: true } found || found.State == NodeState.Unlinked) return Errno.ENOENT;
                targetDirectory = found;
                if (ChildKey(targetDirectory, newName) is null) return Errno.ENAMETOOLONG;
                target = _table.Child(targetDirectory, newName);
                if (target is { State: NodeState.Deleting }) target = null;
                if (target == source) return 0;
                if (target is not null && (flags & RenameNoReplace) != 0) return Errno.EEXIST;
                if (source.IsDirectory && NodeTable.IsSameOrBelow(targetDirectory, source)) return Errno.EINVAL;
                if (target is not null && target.IsDirectory != source.IsDirectory) return source.IsDirectory ? Errno.ENOTDIR : Errno.EISDIR;
            }
            return source.IsDirectory
                ? await RenameDirectoryAsync(source, targetDirectory, newName, target).ConfigureAwait(false)
                : await RenameFileAsync(source, targetDirectory, newName, target).ConfigureAwait(false);
        });

    /// <summary>
    /// A file: a server-side copy to the new key (with the new ctime), then the delete of the old one. Not atomic
    /// (nor is s3fs's): a crash in between leaves both names, never neither. A file never uploaded just moves here.
    /// </summary>
    private async Task<int> RenameFileAsync(Node source, Node targetDirectory, string newName, Node? target)
    {
        // What is still only here goes up under the old name first: the copy is made on the server. A change made
        // after that stays on the node, which goes up under its new name at its next close.
        bool uploaded;
        lock (Gate) uploaded = source.Remote is not null;
        if (uploaded && await UploadAsync(source, "rename").ConfigureAwait(false) is var failed and not 0) return failed;
        await source.UploadGate.WaitAsync().ConfigureAwait(false);
        try
        {
            string fromKey, toKey;
            NodeAttributes moved;
            bool inBucket;
            lock (Gate)
            {
                if (source.State == NodeState.Unlinked) return Errno.ENOENT;
                fromKey = _table.KeyOf(source);
                toKey = ObjectKeys.Child(_table.KeyOf(targetDirectory), newName);
                moved = source.Attributes with { ChangeTime = _table.WallClock };
                inBucket = source.Remote is not null;
                source.Streamed?.Abandon(); // its parts belong to the old key
                source.Streamed = null;
            }
            if (target is not null) await KeepContentForHandlesAsync(target, toKey).ConfigureAwait(false);
            RemoteVersion? version = null;
            if (inBucket)
            {
                string? contentType;
                // A type that came from the old name follows the new one (x.jpg.part → x.jpg); one set by a tool stays.
                lock (Gate) contentType = source.Remote?.ContentType == ContentTypes.ForName(source.Name) ? null : source.Remote?.ContentType;
                var options = MetadataCodec.WriteOptions(source.Kind, moved, source.Xattrs, newName, contentType);
                var copied = await _store.CopyAsync(fromKey, toKey, options).ConfigureAwait(false);
                await _store.DeleteAsync(fromKey).ConfigureAwait(false);
                version = VersionOf(copied, source.Kind, DirectoryForm.None);
                if (target?.Remote is { } replaced) _usage.Changed(replaced.Size, 0);
            }
            else if (target?.Remote is { } replaced)
            {
                await _store.DeleteAsync(toKey).ConfigureAwait(false); // the new file replaces it at its first upload
                _usage.Changed(replaced.Size, 0);
            }
            lock (Gate)
            {
                if (source.Parent is { } from) DirectoryChanged(from);
                DirectoryChanged(targetDirectory);
                _table.Move(source, targetDirectory, newName);
                if (version is not null) _table.Stored(source, moved, version);
                else _table.Changed(source, moved);
            }
            return 0;
        }
        finally
        {
            source.UploadGate.Release();
        }
    }

    /// <summary>
    /// A directory: every key below its prefix is copied (many at once), then all are deleted in batches; an empty
    /// directory it replaces loses its marker first. Files below it still only here go up first.
    /// </summary>
    private async Task<int> RenameDirectoryAsync(Node source, Node targetDirectory, string newName, Node? target)
    {
        string fromPrefix, toPrefix;
        List<Node> pending;
        lock (Gate)
        {
            fromPrefix = _table.DirectoryKeyOf(source);
            toPrefix = ObjectKeys.Child(_table.KeyOf(targetDirectory), newName) + "/";
            pending = _table.LocalNodes().Where(node => NodeTable.IsSameOrBelow(node, source)).ToList();
        }
        foreach (var errno in await Task.WhenAll(pending.Select(node => UploadAsync(node, "rename"))).ConfigureAwait(false))
            if (errno != 0) return errno;
        if (target is not null)
        {
            if (!await IsEmptyInBucketAsync(toPrefix.TrimEnd('/')).ConfigureAwait(false)) return Errno.ENOTEMPTY;
            await _store.DeleteManyAsync([toPrefix, toPrefix.TrimEnd('/') + ObjectKeys.FolderSuffix]).ConfigureAwait(false);
        }
        await _queue.WhenIdleBelow(fromPrefix).ConfigureAwait(false);
        var keys = new List<string>();
        await foreach (var page in _store.ListAllAsync(fromPrefix, null).ConfigureAwait(false))
            keys.AddRange(page.Objects.Select(o => o.Key));
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = ParallelCopies },
            async (key, _) => await _store.CopyAsync(key, toPrefix + key[fromPrefix.Length..]).ConfigureAwait(false)).ConfigureAwait(false);
        // A legacy folder object or an old s3fs "dir" object becomes a marker under the new name.
        var form = source.Remote?.Form ?? DirectoryForm.Implicit;
        if (form is DirectoryForm.LegacyFolder or DirectoryForm.PlainObject)
        {
            NodeAttributes attributes;
            lock (Gate) attributes = source.Attributes;
            await _store.UploadAsync(toPrefix, new MemoryStream([], writable: false), 0,
                MetadataCodec.WriteOptions(NodeKind.Directory, attributes, source.Xattrs, newName, null)).ConfigureAwait(false);
            keys.Add(fromPrefix.TrimEnd('/') + (form == DirectoryForm.LegacyFolder ? ObjectKeys.FolderSuffix : ""));
        }
        await _store.DeleteManyAsync(keys).ConfigureAwait(false);
        lock (Gate)
        {
            if (source.Parent is { } from) DirectoryChanged(from);
            DirectoryChanged(targetDirectory);
            _table.Move(source, targetDirectory, newName);
            source.Attributes = source.Attributes with { ChangeTime = _table.WallClock };
        }
        return 0;
    }
}
