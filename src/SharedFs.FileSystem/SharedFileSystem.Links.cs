using System.Text;
using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>Symbolic links, stored as s3fs does: the object's body is the target, its mode S_IFLNK|0777.</summary>
internal sealed partial class SharedFileSystem
{
    public override int SymbolicLink(string target, string path) => Guard("symlink", path, () =>
    {
        if (CheckName(path) is < 0 and var error) return error;
        if (Lookup(path) is not null) return -Errno.EEXIST;
        var (uid, gid) = Caller();
        var now = Now();
        var body = Encoding.UTF8.GetBytes(target);
        Settle(ObjectKeys.FileKey(path));
        var node = new NodeInfo
        {
            Kind = NodeKind.SymbolicLink, Permissions = 0x1FF, Uid = uid, Gid = gid, Size = body.Length,
            ModifyTime = now, ChangeTime = now, AccessTime = now,
        };
        var info = Wait(_store.UploadAsync(ObjectKeys.FileKey(path), new MemoryStream(body, false), body.Length, MetadataCodec.WriteOptions(node)));
        Changed(path, node with { ETag = info.ETag });
        return 0;
    });

    public override int ReadLink(string path, out string target)
    {
        string? result = null;
        var code = Guard("readlink", path, () =>
        {
            var node = Lookup(path);
            if (node is null) return -Errno.ENOENT;
            if (node.Kind != NodeKind.SymbolicLink) return -Errno.EINVAL;
            using var body = new MemoryStream();
            Wait(_store.DownloadAsync(ObjectKeys.FileKey(path), body));
            result = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
            return 0;
        });
        target = result ?? "";
        return code;
    }
}
