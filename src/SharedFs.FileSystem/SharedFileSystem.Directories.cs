using SharedFs.FileSystem.Handles;
using SharedFs.FileSystem.Metadata;
using SharedFs.FileSystem.Nodes;
using SharedFs.FileSystem.Remote;
using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>
/// mkdir, rmdir, opendir, readdir(plus), releasedir, fsyncdir. Every opendir lists the directory anew: a listing is
/// never reused by the next opendir, so a file another container made is in the very next listing. Listings carry
/// no metadata: an entry whose node holds the version the listing shows keeps its proven attributes, the others
/// are asked with a HEAD each (many at once).
/// </summary>
internal sealed partial class SharedFileSystem
{
    private const int ParallelHeads = 64;

    public override ValueTask<FuseResult<FuseEntry>> MakeDirectoryAsync(FuseContext context, ulong parent, string name, uint mode) =>
        Guard<FuseEntry>("mkdir", name, async () =>
        {
            string key;
            NodeAttributes attributes;
            lock (Gate)
            {
                if (_table.Get(parent) is not { IsDirectory: true } directory || directory.State == NodeState.Unlinked) return Fail(Errno.ENOENT);
                if (ChildKey(directory, name) is not { } childKey) return Fail(Errno.ENAMETOOLONG);
                if (_table.Child(directory, name) is { } existing && !existing.State.IsGone() && _table.IsTrusted(existing)) return Fail(Errno.EEXIST);
                key = childKey;
                var gid = GroupFor(context, directory);
                // A directory in a set-group-ID directory is set-group-ID too (as on ext4).
                var inherited = (directory.Attributes.Permissions & FileMode.SetGid) != 0 ? FileMode.SetGid : 0;
                attributes = NodeAttributes.Fresh(mode | inherited, context.Uid, gid, _table.WallClock);
            }
            var options = MetadataCodec.WriteOptions(NodeKind.Directory, attributes, ExtendedAttributes.None, name, null);
            var stored = await _store.UploadAsync(key + "/", new MemoryStream([], writable: false), 0, options).ConfigureAwait(false);
            lock (Gate)
            {
                if (_table.Get(parent) is not { IsDirectory: true } directory || directory.State == NodeState.Unlinked) return Fail(Errno.ENOENT);
                var node = _table.Add(directory, name, NodeKind.Directory, attributes, NodeState.Remote, VersionOf(stored, NodeKind.Directory, DirectoryForm.Marker));
                DirectoryChanged(directory);
                return EntryFor(node);
            }
        });

    public override ValueTask<int> RemoveDirectoryAsync(FuseContext context, ulong parent, string name) =>
        GuardErrno("rmdir", name, async () =>
        {
            Node node;
            string key;
            lock (Gate)
            {
                if (_table.Get(parent) is not { IsDirectory: true } directory) return Errno.ENOENT;
                if (_table.Child(directory, name) is not { } found) return Errno.ENOENT;
                if (!found.IsDirectory) return Errno.ENOTDIR;
                if (found.Children!.Values.Any(child => child.State is NodeState.New or NodeState.Dirty or NodeState.Uploading)) return Errno.ENOTEMPTY;
                node = found;
                key = _table.KeyOf(node);
            }
            await _queue.WhenIdleBelow(key + "/").ConfigureAwait(false);
            if (!await IsEmptyInBucketAsync(key).ConfigureAwait(false)) return Errno.ENOTEMPTY;
            // Every form the directory may have: the marker, a legacy folder object, an old s3fs "dir" object.
            var forms = new List<string> { key + "/", key + ObjectKeys.FolderSuffix };
            if (node.Remote?.Form == DirectoryForm.PlainObject) forms.Add(key);
            await _store.DeleteManyAsync(forms).ConfigureAwait(false);
            lock (Gate)
            {
                if (node.Parent is { } directory) DirectoryChanged(directory);
                _table.Remove(node);
            }
            return 0;
        });

    /// <summary>No key below the prefix but the marker itself.</summary>
    private async Task<bool> IsEmptyInBucketAsync(string key)
    {
        var page = await _store.ListPageAsync(key + "/", null, null, 2).ConfigureAwait(false);
        return page.Objects.All(o => o.Key == key + "/") && page.CommonPrefixes.Count == 0;
    }

    public override ValueTask<FuseResult<FuseOpen>> OpenDirectoryAsync(FuseContext context, ulong inode, int flags) =>
        Guard<FuseOpen>("opendir", $"inode {inode}", async () =>
        {
            Node directory;
            string prefix;
            long started;
            lock (Gate)
            {
                if (_table.Get(inode) is not { } found) return Fail(Errno.ENOENT);
                if (!found.IsDirectory) return Fail(Errno.ENOTDIR);
                directory = found;
                if (directory.State == NodeState.Unlinked)
                {
                    _table.HandleOpened(directory);
                    return new FuseOpen(_handles.Add(new DirectoryHandle(directory, [])));
                }
                prefix = _table.DirectoryKeyOf(directory);
                started = _table.Now;
            }
            var listed = await _listing.ListAsync(prefix).ConfigureAwait(false);
            var answers = await AttributesOfListedAsync(directory, prefix, listed).ConfigureAwait(false);
            lock (Gate)
            {
                var entries = new List<Node>(listed.Count);
                var names = new HashSet<string>(StringComparer.Ordinal);
                // Every entry is held by the handle as soon as it is known, so a listing bigger than the table's
                // capacity cannot evict its own first entries before readdir serves them.
                foreach (var entry in listed)
                {
                    names.Add(entry.Name);
                    Node? node;
                    if (answers.TryGetValue(entry.Name, out var answer)) node = _table.Apply(directory, entry.Name, answer, listing: true);
                    else if ((node = _table.Child(directory, entry.Name)) is not null) _table.Listed([node], held: true);
                    if (node is null) continue;
                    if (node.State.IsGone()) _table.Listed([node], held: false);
                    else entries.Add(node);
                }
                _table.ApplyAbsent(directory, names, started);
                // Files made here and not uploaded yet, or made while the listing was on the wire.
                var made = directory.Children!.Values.Where(child => !names.Contains(child.Name) && !child.State.IsGone()).ToList();
                _table.Listed(made, held: true);
                entries.AddRange(made);
                entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                var handle = new DirectoryHandle(directory, entries);
                _table.HandleOpened(directory);
                return new FuseOpen(_handles.Add(handle));
            }
        });

    /// <summary>
    /// The answers a listing needs to be shown with attributes: nothing for an entry whose node holds the version
    /// listed (or holds local changes); a HEAD for the others (of the marker, for a directory), many at once.
    /// </summary>
    private async Task<Dictionary<string, RemoteAnswer?>> AttributesOfListedAsync(Node directory, string prefix, List<ListedEntry> listed)
    {
        var missing = new List<ListedEntry>();
        lock (Gate)
        {
            foreach (var entry in listed)
            {
                var node = _table.Child(directory, entry.Name);
                if (node is not null && node.State != NodeState.Remote) continue;
                if (node is not null && entry.Kind == NodeKind.File && node.Kind != NodeKind.Directory
                    && entry.LastModified is { } modified && _table.ConfirmListed(node, entry.ETag, entry.Size, modified)) continue;
                if (node is { IsDirectory: true } && entry.Kind == NodeKind.Directory && _table.IsTrusted(node)) continue;
                missing.Add(entry);
            }
        }
        var answers = new Dictionary<string, RemoteAnswer?>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = ParallelHeads }, async (entry, _) =>
        {
            var key = prefix + entry.Name;
            var answer = entry.Kind != NodeKind.Directory ? await _prober.HeadFileAsync(key).ConfigureAwait(false)
                : entry.Form == DirectoryForm.LegacyFolder ? await LegacyFolderAsync(key, entry).ConfigureAwait(false)
                : await MarkerOrImplicitAsync(key, entry).ConfigureAwait(false);
            // Removed between the listing and the HEAD: left out (a null answer removes the name).
            lock (answers) answers[entry.Name] = answer;
        }).ConfigureAwait(false);
        return answers;
    }

    private async Task<RemoteAnswer?> MarkerOrImplicitAsync(string key, ListedEntry entry)
    {
        var marker = await _store.HeadAsync(key + "/").ConfigureAwait(false);
        return marker is null ? _codec.ImplicitDirectory(entry.LastModified) : _codec.Decode(marker, DirectoryForm.Marker);
    }

    private async Task<RemoteAnswer?> LegacyFolderAsync(string key, ListedEntry entry)
    {
        var legacy = await _store.HeadAsync(key + ObjectKeys.FolderSuffix).ConfigureAwait(false);
        return legacy is null ? _codec.ImplicitDirectory(entry.LastModified) : _codec.Decode(legacy, DirectoryForm.LegacyFolder);
    }

    /// <summary>"." and ".." first (offsets 0 and 1), then the listed entries; with readdirplus each added entry is a kernel reference.</summary>
    public override ValueTask<int> ReadDirectoryAsync(FuseContext context, ulong inode, ulong handle, long offset, DirectoryBuffer buffer)
    {
        if (_handles.Directory(handle) is not { } open) return ValueTask.FromResult(Errno.EBADF);
        lock (Gate)
        {
            var directory = open.Directory;
            for (var index = offset; index < open.Entries.Count + 2; index++)
            {
                if (index < 2)
                {
                    var self = index == 0 ? directory : directory.Parent ?? directory;
                    var dot = new FuseEntry(self.Id, self.Attributes.ToStat(self.Kind, self.Id), TimeSpan.Zero, TimeSpan.Zero);
                    if (!buffer.TryAdd(index == 0 ? "." : "..", dot, index + 1)) break;
                    continue;
                }
                var node = open.Entries[(int)index - 2];
                // Removed since the listing: not shown to readdirplus (its entry would make the kernel reference it).
                if (node.State.IsGone() && buffer.IsPlus) continue;
                var timeout = _table.KernelTimeout(node);
                var entry = new FuseEntry(node.Id, node.Attributes.ToStat(node.Kind, node.Id), timeout, timeout);
                if (!buffer.TryAdd(node.Name, entry, index + 1)) break;
                if (buffer.IsPlus) _table.Reference(node);
            }
        }
        return ValueTask.FromResult(0);
    }

    /// <summary>The inodes an open directory lists (what readdirplus hands the kernel), for the core's tests.</summary>
    internal List<ulong> ListedInodes(ulong handle)
    {
        lock (Gate) return _handles.Directory(handle)?.Entries.Where(n => !n.State.IsGone()).Select(n => n.Id).ToList() ?? [];
    }

    /// <summary>The names an open directory lists (what readdir encodes), for the core's tests.</summary>
    internal List<string> ListedNames(ulong handle)
    {
        lock (Gate) return _handles.Directory(handle)?.Entries.Where(n => !n.State.IsGone()).Select(n => n.Name).ToList() ?? [];
    }

    public override ValueTask<int> ReleaseDirectoryAsync(FuseContext context, ulong inode, ulong handle)
    {
        if (_handles.RemoveDirectory(handle) is { } open)
        {
            lock (Gate)
            {
                _table.Listed(open.Entries, held: false);
                _table.HandleClosed(open.Directory);
            }
        }
        return ValueTask.FromResult(0);
    }

    /// <summary>fsync of a directory (`sync DIR`): everything queued or held at or below it is in the bucket when it returns 0.</summary>
    public override async ValueTask<int> FSyncDirectoryAsync(FuseContext context, ulong inode, ulong handle, bool dataOnly)
    {
        Node directory;
        List<Node> below;
        string prefix;
        lock (Gate)
        {
            if (_table.Get(inode) is not { IsDirectory: true } found) return Errno.ENOENT;
            directory = found;
            prefix = _table.DirectoryKeyOf(directory);
            below = _table.LocalNodes().Where(node => NodeTable.IsSameOrBelow(node, directory)).ToList();
        }
        await _queue.WhenIdleBelow(prefix).ConfigureAwait(false);
        var results = await Task.WhenAll(below.Select(node => UploadAsync(node, "sync"))).ConfigureAwait(false);
        return results.FirstOrDefault(errno => errno != 0);
    }
}
