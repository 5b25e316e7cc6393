using System.Text;
using SharedFs.FileSystem.Metadata;
using SharedFs.FileSystem.Nodes;
using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>symlink, readlink, mknod, link: names whose object is stored at once, in the bucket when the call returns.</summary>
internal sealed partial class SharedFileSystem
{
    public override ValueTask<FuseResult<FuseEntry>> SymlinkAsync(FuseContext context, string target, ulong parent, string name)
    {
        var body = Encoding.UTF8.GetBytes(target);
        return MakeObjectAsync("symlink", context, parent, name, NodeKind.SymbolicLink, 0x1FF, 0, body, target);
    }

    public override ValueTask<FuseResult<string>> ReadLinkAsync(FuseContext context, ulong inode) =>
        Guard<string>("readlink", $"inode {inode}", async () =>
        {
            string key;
            lock (Gate)
            {
                if (_table.Get(inode) is not { Kind: NodeKind.SymbolicLink } node) return Fail(Errno.EINVAL);
                if (node.LinkTarget is { } known) return known;
                if (node.Parent is null) return Fail(Errno.ENOENT);
                key = _table.KeyOf(node);
            }
            using var body = new MemoryStream();
            await _store.DownloadAsync(key, body).ConfigureAwait(false);
            var target = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
            lock (Gate)
            {
                if (_table.Get(inode) is { } node) node.LinkTarget = target;
            }
            return target;
        });

    /// <summary>mknod: FIFOs, sockets and devices are empty objects with their type in the mode (and rdev), as s3fs stores them.</summary>
    public override ValueTask<FuseResult<FuseEntry>> MakeNodeAsync(FuseContext context, ulong parent, string name, uint mode, ulong device) =>
        MakeObjectAsync("mknod", context, parent, name, NodeKinds.FromMode(mode), mode, device, [], null);

    /// <summary>Hard links are not stored by S3 (nor by s3fs): EPERM, as filesystems without them answer.</summary>
    public override ValueTask<FuseResult<FuseEntry>> LinkAsync(FuseContext context, ulong inode, ulong newParent, string newName) =>
        ValueTask.FromResult<FuseResult<FuseEntry>>(Fail(Errno.EPERM));

    /// <summary>A name whose object is stored at once (a symbolic link, a special file, an empty file made by mknod).</summary>
    private ValueTask<FuseResult<FuseEntry>> MakeObjectAsync(string operation, FuseContext context, ulong parent, string name, NodeKind kind,
        uint mode, ulong device, byte[] body, string? linkTarget) =>
        Guard<FuseEntry>(operation, name, async () =>
        {
            string key;
            NodeAttributes attributes;
            lock (Gate)
            {
                if (_table.Get(parent) is not { IsDirectory: true } directory || directory.State == NodeState.Unlinked) return Fail(Errno.ENOENT);
                if (ChildKey(directory, name) is not { } childKey) return Fail(Errno.ENAMETOOLONG);
                if (_table.Child(directory, name) is { } existing && !existing.State.IsGone() && _table.IsTrusted(existing)) return Fail(Errno.EEXIST);
                key = childKey;
                attributes = NodeAttributes.Fresh(mode, context.Uid, GroupFor(context, directory), _table.WallClock, body.Length, device);
            }
            var options = MetadataCodec.WriteOptions(kind, attributes, ExtendedAttributes.None, name, null);
            var stored = await _store.UploadAsync(key, new MemoryStream(body, writable: false), body.Length, options).ConfigureAwait(false);
            _usage.Changed(0, stored.Size);
            lock (Gate)
            {
                if (_table.Get(parent) is not { IsDirectory: true } directory || directory.State == NodeState.Unlinked) return Fail(Errno.ENOENT);
                var node = _table.Add(directory, name, kind, attributes, NodeState.Remote, VersionOf(stored, kind, DirectoryForm.None));
                node.LinkTarget = linkTarget;
                DirectoryChanged(directory);
                return EntryFor(node);
            }
        });
}
