using SharedFs.FileSystem.Metadata;
using SharedFs.FileSystem.Nodes;
using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>
/// setattr (chmod, chown, utimensat, truncate) and statfs. The kernel has checked who may change what
/// (default_permissions), and turned the clearing of set-user-ID and set-group-ID after a chown or a write into an
/// explicit mode change. A change to a node the bucket has is stored before the call returns (a server-side copy
/// of the object onto itself: no data moves); a change to a file this mount is writing travels with its upload.
/// </summary>
internal sealed partial class SharedFileSystem
{
    public override ValueTask<FuseResult<FuseAttributes>> SetAttributesAsync(FuseContext context, ulong inode, AttributeChanges changes, ulong? handle) =>
        Guard<FuseAttributes>("setattr", $"inode {inode}", async () =>
        {
            Node node;
            Upload.UploadRequest? store = null;
            NodeAttributes next;
            lock (Gate)
            {
                if (_table.Get(inode) is not { } found) return Fail(Errno.ENOENT);
                node = found;
                if (changes.Size is { } size)
                {
                    if (node.Kind != NodeKind.File) return Fail(node.IsDirectory ? Errno.EISDIR : Errno.EINVAL);
                    TruncateLocked(node, size);
                }
                next = Changed(node.Attributes, changes, _table.WallClock);
                if (handle is { } h && _handles.File(h) is { } open) open.MarkChanged();
                if (node == _table.Root || node.State == NodeState.Unlinked || node.State.IsLocal())
                {
                    // Not in the bucket (yet), or being written here: the change goes up with the file's upload.
                    if (node == _table.Root || node.State == NodeState.Unlinked) node.Attributes = next;
                    else _table.Changed(node, next);
                    if (changes.Size is null || handle is not null || node.State == NodeState.Unlinked) return AttributesOf(node);
                }
                else
                {
                    store = MetadataWrite(node, next);
                }
            }
            if (store is null)
            {
                // truncate(2) by path: nobody will close it, so it goes up now.
                var errno = await UploadAsync(node, "truncate").ConfigureAwait(false);
                if (errno != 0) return Fail(errno);
                lock (Gate) return AttributesOf(node);
            }
            var stored = await _uploader.UploadAsync(store).ConfigureAwait(false);
            lock (Gate)
            {
                var form = node.IsDirectory ? DirectoryForm.Marker : DirectoryForm.None;
                _table.Stored(node, next, VersionOf(stored, node.Kind, form));
                return AttributesOf(node);
            }
        });

    /// <summary>
    /// The request that stores new metadata for a node the bucket has: a copy onto itself, or for a directory
    /// without a marker (implicit, legacy, or the root) a new marker, as s3fs does.
    /// </summary>
    private Upload.UploadRequest MetadataWrite(Node node, NodeAttributes next, ExtendedAttributes? xattrs = null)
    {
        var key = node.IsDirectory ? _table.DirectoryKeyOf(node) : _table.KeyOf(node);
        var options = MetadataCodec.WriteOptions(node.Kind, next, xattrs ?? node.Xattrs, node.Name, node.Remote?.ContentType);
        var copy = !node.IsDirectory || node.Remote?.Form == DirectoryForm.Marker;
        return new Upload.UploadRequest(key, options, null, Body: copy ? null : [], BaseKey: copy ? key : null);
    }

    /// <summary>The attributes after a setattr: ctime moves with every change; "now" is this mount's clock.</summary>
    private static NodeAttributes Changed(NodeAttributes attributes, AttributeChanges changes, TimeSpec now) => attributes with
    {
        Permissions = changes.Mode is { } mode ? mode & FileMode.PermissionMask : attributes.Permissions,
        Uid = changes.Uid ?? attributes.Uid,
        Gid = changes.Gid ?? attributes.Gid,
        AccessTime = changes.AccessTimeNow ? now : changes.AccessTime ?? attributes.AccessTime,
        ModifyTime = changes.ModifyTimeNow ? now : changes.ModifyTime ?? attributes.ModifyTime,
        ChangeTime = now,
    };

    /// <summary>A bucket has no fixed capacity: a large one is reported (as s3fs does), so that no tool thinks it full.</summary>
    /// <summary>
    /// df: with a quota, its size, the bucket's bytes used and the rest free; without, 4 PiB and the bytes used. The
    /// bytes used come from a background count of the bucket kept current with this mount's own changes.
    /// </summary>
    public override ValueTask<FuseResult<FileSystemStats>> StatFsAsync(FuseContext context, ulong inode)
    {
        const ulong blockSize = 4096;
        var total = _usage.Quota is { } quota ? (ulong)quota / blockSize : 1UL << 40;
        var used = Math.Min(total, ((ulong)_usage.Used + blockSize - 1) / blockSize);
        return ValueTask.FromResult<FuseResult<FileSystemStats>>(new FileSystemStats
        {
            BlockSize = blockSize,
            FragmentSize = blockSize,
            Blocks = total,
            BlocksFree = total - used,
            BlocksAvailable = total - used,
            Files = 1UL << 32,
            FilesFree = 1UL << 32,
            MaxNameLength = ObjectKeys.MaxNameBytes,
        });
    }
}
