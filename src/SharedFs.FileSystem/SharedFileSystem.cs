using SharedFs.Fuse;
using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>
/// POSIX semantics over one bucket, in s3fs's object layout. This part holds the shared state, the lookup of a
/// path's attributes and the mapping of failures to errno; the operations live in the other partial files.
/// </summary>
internal sealed partial class SharedFileSystem : FuseFileSystem
{
    private const int ParallelRequests = 32;

    private readonly IObjectStore _store;
    private readonly StagingArea _staging;
    private readonly AttributeCache _attributes;
    private readonly DirectoryLister _lister;
    private readonly OpenFileTable _open = new();
    private readonly ContentVersions _versions = new();
    private readonly MetadataCache _metadata = new();
    private readonly Func<FuseRequestContext?> _context;
    private readonly uint _defaultUid, _defaultGid;
    private readonly WriteBackMode _writeBack;

    public SharedFileSystem(IObjectStore store, StagingArea staging, TimeSpan cacheTtl, uint defaultUid, uint defaultGid,
        WriteBackMode writeBack, Func<FuseRequestContext?>? context = null)
    {
        _writeBack = writeBack;
        _store = store;
        _staging = staging;
        _attributes = new AttributeCache(cacheTtl);
        _lister = new DirectoryLister(store, cacheTtl);
        _defaultUid = defaultUid;
        _defaultGid = defaultGid;
        _context = context ?? (() => null);
    }

    /// <summary>Runs a callback body, turning failures into the errno the caller expects.</summary>
    private static int Guard(string operation, string path, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return ToErrno(operation, path, e);
        }
    }

    private static int ToErrno(string operation, string path, Exception e)
    {
        var inner = e is AggregateException { InnerException: { } first } ? first : e;
        var errno = inner switch
        {
            StorageException { Kind: StorageErrorKind.NotFound } => Errno.ENOENT,
            StorageException { Kind: StorageErrorKind.AccessDenied or StorageErrorKind.InvalidCredentials } => Errno.EACCES,
            StorageException { Kind: StorageErrorKind.NotImplemented } => Errno.ENOTSUP,
            IOException io when IsNoSpace(io) => Errno.ENOSPC,
            _ => Errno.EIO,
        };
        if (errno != Errno.ENOENT)
            FsLog.Warn($"{operation} {path}: {inner.GetType().Name}: {inner.Message}");
        return -errno;
    }

    private static bool IsNoSpace(IOException e) =>
        e.HResult == Errno.ENOSPC || (e.HResult & 0xFFFF) == 0x70 /* ERROR_DISK_FULL */
        || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    private (uint Uid, uint Gid) Caller()
    {
        var context = _context();
        return context is { } c ? (c.Uid, c.Gid) : (_defaultUid, _defaultGid);
    }

    private static TimeSpec Now() => TimeSpec.FromDateTimeOffset(DateTimeOffset.UtcNow);

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();
    private static void Wait(Task task) => task.GetAwaiter().GetResult();

    /// <summary>The attributes of a path: the open file's own state first, then the cache, then the bucket.</summary>
    private NodeInfo? Lookup(string path)
    {
        if (ObjectKeys.IsRoot(path)) return RootNode;
        if (_open.Find(path) is { } open) return open.Current;
        if (_attributes.TryGet(path, out var cached)) return cached;
        var node = Wait(ResolveAsync(path));
        _attributes.Set(path, node);
        return node;
    }

    private static readonly NodeInfo RootNode = new()
    {
        Kind = NodeKind.Directory, Permissions = 0x1ED, Uid = 0, Gid = 0, Size = 0,
        ModifyTime = default, ChangeTime = default, AccessTime = default, DirectoryForm = DirectoryForm.Marker,
    };

    /// <summary>
    /// Asks the bucket what a path is: a file, a directory marker, an implicit directory or a legacy folder, in one
    /// round trip (the file and the directory forms are asked at once). A fresh listing of the parent may answer
    /// for a listed file whose attributes a HEAD proved unchanged since; it never answers "no such name".
    /// </summary>
    /// <param name="asked">An open (close-to-open): the bucket is asked, whatever a listing says.</param>
    private async Task<NodeInfo?> ResolveAsync(string path, bool asked = false)
    {
        var fileKey = ObjectKeys.FileKey(path);
        var parent = ObjectKeys.ParentPath(path);
        var name = ObjectKeys.Name(path);
        var listed = asked ? null : _lister.Find(parent, name);
        if (listed is not null && _open.Find(path) is null && !_deleting.Contains(fileKey))
        {
            if (!listed.IsDirectory && _metadata.TryReuse(path, listed) is { } unchanged) return unchanged;
            if (listed.IsDirectory) return await FetchEntryAsync(path, listed).ConfigureAwait(false);
            StatAhead(parent, name);
        }

        // A file whose DELETE is still queued is gone for this mount (a directory of the same name is not).
        var file = _deleting.Contains(fileKey) ? Task.FromResult<ObjectInfo?>(null) : _store.HeadAsync(fileKey);
        var directory = ResolveDirectoryAsync(path);
        await Task.WhenAll(file, directory).ConfigureAwait(false);
        if (await file is { } info)
        {
            var node = RememberFile(path, info);
            if (listed is null) _lister.FoundByName(parent, name);
            return node;
        }
        return await directory;
    }

    /// <summary>
    /// Marker and children, asked at once. A legacy folder object ("dir_$folder$") is only found through a listing
    /// of its parent (asking for it too would add a request to every lookup of a missing name).
    /// </summary>
    private async Task<NodeInfo?> ResolveDirectoryAsync(string path)
    {
        var directoryKey = ObjectKeys.DirectoryKey(path);
        var marker = _store.HeadAsync(directoryKey);
        var children = _store.ListPageAsync(directoryKey, null, null, 1);
        await Task.WhenAll(marker, children).ConfigureAwait(false);
        if (await marker is { } markerInfo)
            return MetadataCodec.Decode(markerInfo, true, DirectoryForm.Marker, _defaultUid, _defaultGid);
        var page = await children;
        if (page.Objects.Count > 0 || page.CommonPrefixes.Count > 0)
            return MetadataCodec.ImplicitDirectory(page.Objects.FirstOrDefault()?.LastModified, _defaultUid, _defaultGid);
        return null;
    }

    /// <summary>A file's attributes from what the bucket answered (HEAD or GET), kept for listings to prove later.</summary>
    private NodeInfo RememberFile(string path, ObjectInfo info)
    {
        var node = MetadataCodec.Decode(info, false, DirectoryForm.None, _defaultUid, _defaultGid);
        _metadata.Remember(path, node, info);
        return node;
    }

    /// <summary>After a change to a path: what this mount will answer next (the parent's listing is re-read).</summary>
    private void Changed(string path, NodeInfo? node)
    {
        if (node is null)
        {
            _attributes.Remove(path);
            _metadata.Forget(path);
        }
        else
        {
            _attributes.Set(path, node);
        }
        _lister.Update(ObjectKeys.ParentPath(path), ObjectKeys.Name(path), node is null ? null : node.Kind == NodeKind.Directory);
    }

    private static int CheckName(string path) => ObjectKeys.HasTooLongName(path) ? -Errno.ENAMETOOLONG : 0;
}
