using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>
/// rename: files by server-side copy then delete; directories by copying every key below the prefix in
/// parallel, then one batch delete. Not atomic (neither is s3fs's): a crash in between leaves both copies.
/// </summary>
internal sealed partial class SharedFileSystem
{
    private const uint RenameNoReplace = 1, RenameExchange = 2;

    public override int Rename(string from, string to, uint flags) => Guard("rename", from, () =>
    {
        if ((flags & RenameExchange) != 0) return -Errno.EINVAL;
        if (CheckName(to) is < 0 and var error) return error;
        if (ObjectKeys.IsRoot(from) || ObjectKeys.IsRoot(to)) return -Errno.EBUSY;
        if (from == to) return 0;
        var source = Lookup(from);
        if (source is null) return -Errno.ENOENT;
        var target = Lookup(to);
        if (target is not null && (flags & RenameNoReplace) != 0) return -Errno.EEXIST;
        if (source.Kind == NodeKind.Directory)
        {
            if (ObjectKeys.IsSameOrBelow(to, from)) return -Errno.EINVAL;
            if (target is not null)
            {
                if (target.Kind != NodeKind.Directory) return -Errno.ENOTDIR;
                if (!IsEmptyDirectory(to)) return -Errno.ENOTEMPTY;
            }
            RenameDirectory(from, to, source, target);
        }
        else
        {
            if (target is { Kind: NodeKind.Directory }) return -Errno.EISDIR;
            RenameFile(from, to, source);
        }
        return 0;
    });

    private void RenameFile(string from, string to, NodeInfo source)
    {
        var fromKey = ObjectKeys.FileKey(from);
        var toKey = ObjectKeys.FileKey(to);
        // The copy is made on the server: what is queued for either name lands first, pending content too.
        Settle(fromKey);
        Settle(toKey);
        var open = _open.Find(from);
        if (open is not null)
        {
            UploadNow(open);
            source = open.Current;
        }
        var overwritten = _open.Find(to);
        if (overwritten is not null && !ReferenceEquals(overwritten, open) && overwritten.OpenCount > 0)
            overwritten.KeepContentLocally(_store, _staging);
        var moved = source with { ChangeTime = Now() };
        var info = Wait(_store.CopyAsync(fromKey, toKey, MetadataCodec.WriteOptions(moved)));
        Wait(_store.DeleteAsync(fromKey));
        if (overwritten is not null && !ReferenceEquals(overwritten, open))
        {
            overwritten.Unlinked = true;
            _open.Detach(overwritten);
        }
        _open.Move(from, to);
        open?.UpdateNode(n => n with { ETag = info.ETag, ChangeTime = moved.ChangeTime });
        _versions.Forget(from);
        _versions.Remember(to, info.ETag, info.Size);
        Changed(from, null);
        Changed(to, open?.Current ?? moved with { ETag = info.ETag });
    }

    private void RenameDirectory(string from, string to, NodeInfo source, NodeInfo? target)
    {
        var fromPrefix = ObjectKeys.DirectoryKey(from);
        var toPrefix = ObjectKeys.DirectoryKey(to);
        foreach (var file in _open.Below(from).Where(f => f.IsDirty)) UploadNow(file);
        SettleBelow(fromPrefix);
        SettleBelow(toPrefix);
        var keys = new List<string>();
        Wait(Task.Run(async () =>
        {
            await foreach (var page in _store.ListAllAsync(fromPrefix, null).ConfigureAwait(false))
                keys.AddRange(page.Objects.Select(o => o.Key));
        }));
        // Replacing an empty directory: its marker goes (the source's marker, if any, takes its place).
        if (target is not null)
            Wait(_store.DeleteManyAsync([toPrefix, ObjectKeys.FileKey(to) + ObjectKeys.FolderSuffix]));
        Wait(Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = ParallelRequests },
            async (key, cancellationToken) =>
                await _store.CopyAsync(key, toPrefix + key[fromPrefix.Length..], null, cancellationToken).ConfigureAwait(false)));
        if (source.DirectoryForm == DirectoryForm.LegacyFolder)
        {
            Wait(_store.UploadAsync(toPrefix, new MemoryStream([], false), 0, MetadataCodec.WriteOptions(source with { DirectoryForm = DirectoryForm.Marker })));
            keys.Add(ObjectKeys.FileKey(from) + ObjectKeys.FolderSuffix);
        }
        Wait(_store.DeleteManyAsync(keys));
        _open.Move(from, to);
        _attributes.RemoveTree(from);
        _attributes.RemoveTree(to);
        _versions.ForgetTree(from);
        _versions.ForgetTree(to);
        _lister.InvalidateAll();
    }
}
