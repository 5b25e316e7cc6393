using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>getattr, chmod, chown, utimens, statfs.</summary>
internal sealed partial class SharedFileSystem
{
    public override int GetAttr(string path, ref FileStat stat, ulong? handle)
    {
        NodeInfo? node = null;
        var result = Guard("getattr", path, () =>
        {
            if (CheckName(path) is < 0 and var error) return error;
            node = handle is { } h && _open.Handle(h) is { } open ? open.File.Current : Lookup(path);
            return node is null ? -Errno.ENOENT : 0;
        });
        if (result == 0) stat = node!.ToStat();
        return result;
    }

    public override int ChangeMode(string path, uint mode, ulong? handle) => Guard("chmod", path, () =>
        UpdateMetadata(path, handle, node => node with { Permissions = mode & FileMode.PermissionMask, ChangeTime = Now() }));

    public override int ChangeOwner(string path, uint uid, uint gid, ulong? handle) => Guard("chown", path, () =>
        UpdateMetadata(path, handle, node => node with
        {
            Uid = uid == uint.MaxValue ? node.Uid : uid,
            Gid = gid == uint.MaxValue ? node.Gid : gid,
            ChangeTime = Now(),
        }));

    public override int UpdateTimes(string path, TimeSpec access, TimeSpec modify, ulong? handle) => Guard("utimens", path, () =>
    {
        var now = Now();
        return UpdateMetadata(path, handle, node => node with
        {
            AccessTime = access.IsOmit ? node.AccessTime : access.IsNow ? now : access,
            ModifyTime = modify.IsOmit ? node.ModifyTime : modify.IsNow ? now : modify,
            ChangeTime = now,
        });
    });

    /// <summary>
    /// Rewrites an object's metadata in place (server-side copy onto itself). An open file with pending content
    /// only records the change: its upload carries it. An implicit directory gets a marker.
    /// </summary>
    private int UpdateMetadata(string path, ulong? handle, Func<NodeInfo, NodeInfo> change)
    {
        if (ObjectKeys.IsRoot(path)) return 0;
        if (handle is { } h && _open.Handle(h) is { } through) through.Changed = true;
        if (_open.Find(path) is { } open)
        {
            open.UpdateNode(change);
            if (open.IsDirty || open.Unlinked) return 0;
            var updated = open.Current;
            var info = Wait(_store.CopyAsync(open.Key, open.Key, MetadataCodec.WriteOptions(updated)));
            open.UpdateNode(n => n with { ETag = info.ETag });
            _versions.Remember(path, info.ETag, info.Size);
            Changed(path, open.Current);
            return 0;
        }
        var node = Lookup(path);
        if (node is null) return -Errno.ENOENT;
        Settle(node.Kind == NodeKind.Directory ? ObjectKeys.DirectoryKey(path) : ObjectKeys.FileKey(path));
        var next = change(node);
        if (node.Kind == NodeKind.Directory)
        {
            var key = ObjectKeys.DirectoryKey(path);
            if (node.DirectoryForm == DirectoryForm.Marker)
                Wait(_store.CopyAsync(key, key, MetadataCodec.WriteOptions(next)));
            else
                Wait(_store.UploadAsync(key, new MemoryStream([], false), 0, MetadataCodec.WriteOptions(next)));
            next = next with { DirectoryForm = DirectoryForm.Marker };
        }
        else
        {
            var key = ObjectKeys.FileKey(path);
            var info = Wait(_store.CopyAsync(key, key, MetadataCodec.WriteOptions(next)));
            if (_versions.IsCurrent(path, node.ETag, node.Size)) _versions.Remember(path, info.ETag, info.Size);
            next = next with { ETag = info.ETag };
        }
        Changed(path, next);
        return 0;
    }

    public override int StatFs(string path, ref FileSystemStats stats)
    {
        // A bucket has no fixed capacity: report a large one (as s3fs does) so that tools never think it is full.
        stats.BlockSize = 4096;
        stats.FragmentSize = 4096;
        stats.Blocks = 1UL << 40;
        stats.BlocksFree = 1UL << 40;
        stats.BlocksAvailable = 1UL << 40;
        stats.Files = 1UL << 32;
        stats.FilesFree = 1UL << 32;
        stats.MaxNameLength = ObjectKeys.MaxNameBytes;
        return 0;
    }

    public override int Access(string path, int mask) => Guard("access", path, () => Lookup(path) is null ? -Errno.ENOENT : 0);

    public override int Link(string from, string to) => -Errno.EPERM;

    /// <summary>
    /// Extended attributes are not stored. ENOSYS makes the kernel remember that and answer EOPNOTSUPP itself from
    /// then on: `ls -l` asks two of them per entry, 20 000 round trips to this process for 10 000 files.
    /// </summary>
    public override int GetXAttr(string path, string name, Span<byte> value) => -Errno.ENOSYS;

    public override int ListXAttr(string path, Span<byte> list) => -Errno.ENOSYS;
}
