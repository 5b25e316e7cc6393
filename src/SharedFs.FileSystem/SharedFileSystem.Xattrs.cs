using SharedFs.FileSystem.Nodes;
using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>
/// Extended attributes, stored with the other metadata as s3fs stores them (x-amz-meta-xattr): reading them costs
/// no request beyond the node's own revalidation, so `ls -l` (which asks for two per entry) stays as fast.
/// Setting one rewrites the object's metadata (a server-side copy) before the call returns. POSIX ACLs and
/// "system." names are not offered (the kernel checks permissions from the mode bits alone).
/// </summary>
internal sealed partial class SharedFileSystem
{
    private const int XattrCreate = 1, XattrReplace = 2;

    private static bool IsOffered(string name) => !name.StartsWith("system.", StringComparison.Ordinal);

    public override async ValueTask<FuseResult<byte[]>> GetExtendedAttributeAsync(FuseContext context, ulong inode, string name)
    {
        if (!IsOffered(name)) return Fail(Errno.EOPNOTSUPP);
        var attributes = await GetAttributesAsync(context, inode, null).ConfigureAwait(false);
        if (!attributes.Ok) return Fail(attributes.Error);
        lock (Gate)
        {
            if (_table.Get(inode) is not { } node) return Fail(Errno.ENOENT);
            return node.Xattrs.Values.TryGetValue(name, out var value) ? value : Fail(Errno.ENODATA);
        }
    }

    public override async ValueTask<FuseResult<byte[]>> ListExtendedAttributesAsync(FuseContext context, ulong inode)
    {
        var attributes = await GetAttributesAsync(context, inode, null).ConfigureAwait(false);
        if (!attributes.Ok) return Fail(attributes.Error);
        lock (Gate) return _table.Get(inode) is { } node ? node.Xattrs.NameList() : Fail(Errno.ENOENT);
    }

    public override ValueTask<int> SetExtendedAttributeAsync(FuseContext context, ulong inode, string name, byte[] value, int flags)
    {
        if (!IsOffered(name)) return ValueTask.FromResult(Errno.EOPNOTSUPP);
        return ChangeXattrsAsync("setxattr", inode, xattrs =>
        {
            var exists = xattrs.Values.ContainsKey(name);
            if ((flags & XattrCreate) != 0 && exists) return (null, Errno.EEXIST);
            if ((flags & XattrReplace) != 0 && !exists) return (null, Errno.ENODATA);
            return (xattrs.With(name, value), 0);
        });
    }

    public override ValueTask<int> RemoveExtendedAttributeAsync(FuseContext context, ulong inode, string name)
    {
        if (!IsOffered(name)) return ValueTask.FromResult(Errno.EOPNOTSUPP);
        return ChangeXattrsAsync("removexattr", inode, xattrs =>
            xattrs.Values.ContainsKey(name) ? (xattrs.Without(name), 0) : (null, Errno.ENODATA));
    }

    /// <summary>Applies a change to the node's extended attributes, stored as a metadata rewrite (or with a pending upload).</summary>
    private ValueTask<int> ChangeXattrsAsync(string operation, ulong inode, Func<ExtendedAttributes, (ExtendedAttributes? Next, int Error)> change) =>
        GuardErrno(operation, $"inode {inode}", async () =>
        {
            Node node;
            Upload.UploadRequest request;
            NodeAttributes attributes;
            ExtendedAttributes xattrs;
            lock (Gate)
            {
                if (_table.Get(inode) is not { } found) return Errno.ENOENT;
                node = found;
                var (next, error) = change(node.Xattrs);
                if (next is null) return error;
                attributes = node.Attributes with { ChangeTime = _table.WallClock };
                xattrs = next;
                if (node == _table.Root || node.State != NodeState.Remote)
                {
                    // Not in the bucket (yet): the change goes up with the node's upload.
                    node.Xattrs = next;
                    if (node.State.IsLocal()) _table.Changed(node, attributes);
                    else node.Attributes = attributes;
                    return 0;
                }
                request = MetadataWrite(node, attributes, next);
            }
            var stored = await _uploader.UploadAsync(request).ConfigureAwait(false);
            lock (Gate)
            {
                node.Xattrs = xattrs;
                _table.Stored(node, attributes, VersionOf(stored, node.Kind, node.IsDirectory ? DirectoryForm.Marker : DirectoryForm.None));
            }
            return 0;
        });
}
