using System.Diagnostics;
using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>mkdir, rmdir, readdir.</summary>
internal sealed partial class SharedFileSystem
{
    public override int MakeDirectory(string path, uint mode) => Guard("mkdir", path, () =>
    {
        if (CheckName(path) is < 0 and var error) return error;
        if (Lookup(path) is not null) return -Errno.EEXIST;
        var (uid, gid) = Caller();
        var now = Now();
        var node = new NodeInfo
        {
            Kind = NodeKind.Directory, Permissions = mode & FileMode.PermissionMask, Uid = uid, Gid = gid, Size = 0,
            ModifyTime = now, ChangeTime = now, AccessTime = now, DirectoryForm = DirectoryForm.Marker,
        };
        Wait(_store.UploadAsync(ObjectKeys.DirectoryKey(path), new MemoryStream([], false), 0, MetadataCodec.WriteOptions(node)));
        Changed(path, node);
        return 0;
    });

    public override int RemoveDirectory(string path) => Guard("rmdir", path, () =>
    {
        if (ObjectKeys.IsRoot(path)) return -Errno.EBUSY;
        var node = Lookup(path);
        if (node is null) return -Errno.ENOENT;
        if (node.Kind != NodeKind.Directory) return -Errno.ENOTDIR;
        // Deletes of its files still queued would make it look full; uploads queued would be orphaned.
        SettleBelow(ObjectKeys.DirectoryKey(path));
        if (!IsEmptyDirectory(path)) return -Errno.ENOTEMPTY;
        var key = ObjectKeys.DirectoryKey(path);
        Wait(_store.DeleteManyAsync([key, ObjectKeys.FileKey(path) + ObjectKeys.FolderSuffix]));
        Changed(path, null);
        _lister.Invalidate(path);
        return 0;
    });

    /// <summary>No key below the prefix but the marker itself, and no file created here but not yet uploaded.</summary>
    private bool IsEmptyDirectory(string path)
    {
        if (_open.Below(path).Any(f => f.Path != path && !f.Unlinked)) return false;
        var key = ObjectKeys.DirectoryKey(path);
        var page = Wait(_store.ListPageAsync(key, null, null, 2));
        return page.Objects.All(o => o.Key == key) && page.CommonPrefixes.Count == 0;
    }

    public override int OpenDirectory(string path, ref OpenInfo info) => Guard("opendir", path, () =>
    {
        var node = Lookup(path);
        if (node is null) return -Errno.ENOENT;
        return node.Kind == NodeKind.Directory ? 0 : -Errno.ENOTDIR;
    });

    public override int ReadDirectory(string path, IDirectoryFiller filler, ref OpenInfo info)
    {
        List<(string Name, NodeInfo Node)>? entries = null;
        var result = Guard("readdir", path, () =>
        {
            entries = Wait(ListWithAttributesAsync(path));
            return 0;
        });
        if (result != 0) return result;
        var self = Lookup(path) ?? RootNode;
        var parent = ObjectKeys.IsRoot(path) ? self : Lookup(ObjectKeys.ParentPath(path)) ?? RootNode;
        if (!filler.Add(".", self.ToStat()) || !filler.Add("..", parent.ToStat())) return 0;
        foreach (var (name, node) in entries!)
        {
            if (!filler.Add(name, node.ToStat())) break;
        }
        return 0;
    }

    /// <summary>
    /// The listing plus every entry's attributes (readdirplus). Listings carry no metadata: the missing
    /// attributes are fetched with parallel HEADs (bounded) and cached for the TTL, so that `ls -l` after
    /// `ls` costs nothing more. Files created here and not yet uploaded are included, and so are our own
    /// changes made while the HEADs ran (a queued file uploaded meanwhile has left the open-file table).
    /// </summary>
    private async Task<List<(string Name, NodeInfo Node)>> ListWithAttributesAsync(string path)
    {
        var started = Stopwatch.GetTimestamp();
        var listed = await _lister.ListAsync(path).ConfigureAwait(false);
        var results = new (string Name, NodeInfo? Node)[listed.Count];
        using var gate = new SemaphoreSlim(ParallelRequests);
        var fetches = new List<Task>();
        for (var i = 0; i < listed.Count; i++)
        {
            var entry = listed[i];
            var childPath = ObjectKeys.Combine(path, entry.Name);
            if (_open.Find(childPath) is { } open) { results[i] = (entry.Name, open.Current); continue; }
            if (!entry.IsDirectory && _deleting.Contains(ObjectKeys.FileKey(childPath))) continue;
            if (_attributes.TryGet(childPath, out var cached) && cached is not null) { results[i] = (entry.Name, cached); continue; }
            var index = i;
            fetches.Add(Task.Run(async () =>
            {
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    var node = await FetchEntryAsync(childPath, entry).ConfigureAwait(false);
                    _attributes.Set(childPath, node);
                    results[index] = (entry.Name, node);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        await Task.WhenAll(fetches).ConfigureAwait(false);

        var list = results.Where(r => r.Node is not null).Select(r => (r.Name, r.Node!)).ToList();
        var names = new HashSet<string>(list.Select(r => r.Name), StringComparer.Ordinal);
        foreach (var open in _open.InDirectory(path))
        {
            var name = ObjectKeys.Name(open.Path);
            if (!open.Unlinked && names.Add(name)) list.Add((name, open.Current));
        }
        await ApplyOwnChangesAsync(path, started, list, names).ConfigureAwait(false);
        return list;
    }

    /// <summary>Our changes journaled since the listing was asked for, applied to what it gave.</summary>
    private async Task ApplyOwnChangesAsync(string path, long since, List<(string Name, NodeInfo Node)> list, HashSet<string> names)
    {
        foreach (var (name, isDirectory) in _lister.ChangesSince(path, since))
        {
            var childPath = ObjectKeys.Combine(path, name);
            if (isDirectory is null)
            {
                if (_open.Find(childPath) is { Unlinked: false }) continue;
                if (names.Remove(name)) list.RemoveAll(entry => entry.Name == name);
                continue;
            }
            if (names.Contains(name)) continue;
            var node = _open.Find(childPath)?.Current
                ?? (_attributes.TryGet(childPath, out var cached) ? cached : null)
                ?? await FetchEntryAsync(childPath, DirectoryLister.Entry(name, isDirectory.Value)).ConfigureAwait(false);
            if (node is not null && names.Add(name)) list.Add((name, node));
        }
    }

    /// <summary>One HEAD for a listed name; the listing already told whether it is a directory.</summary>
    private async Task<NodeInfo?> FetchEntryAsync(string childPath, ListedEntry entry)
    {
        if (!entry.IsDirectory)
        {
            if (_metadata.TryReuse(childPath, entry) is { } known) return known;
            var info = await _store.HeadAsync(ObjectKeys.FileKey(childPath)).ConfigureAwait(false);
            // Deleted between the listing and the HEAD: leave it out.
            return info is null ? null : RememberFile(childPath, info);
        }
        var key = entry.Form == DirectoryForm.LegacyFolder
            ? ObjectKeys.FileKey(childPath) + ObjectKeys.FolderSuffix
            : ObjectKeys.DirectoryKey(childPath);
        var marker = await _store.HeadAsync(key).ConfigureAwait(false);
        return marker is not null
            ? MetadataCodec.Decode(marker, true, entry.Form == DirectoryForm.LegacyFolder ? DirectoryForm.LegacyFolder : DirectoryForm.Marker, _defaultUid, _defaultGid)
            : MetadataCodec.ImplicitDirectory(entry.LastModified, _defaultUid, _defaultGid);
    }
}
