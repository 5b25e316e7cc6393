using SharedFs.FileSystem.Handles;
using SharedFs.FileSystem.Metadata;
using SharedFs.FileSystem.Nodes;
using SharedFs.FileSystem.Remote;
using SharedFs.FileSystem.Upload;
using SharedFs.Fuse;
using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>
/// POSIX semantics over one bucket, in s3fs's object layout, served inode by inode. What the mount knows about
/// every name is in the <see cref="NodeTable"/>; this class turns each kernel request into table lookups, bucket
/// requests (awaited, never blocked on) and table changes. The operations live in the partial files beside this
/// one: lookups and attributes, files, directories, names, extended attributes, uploads.
/// </summary>
internal sealed partial class SharedFileSystem : FuseFileSystem
{
    private readonly IObjectStore _store;
    private readonly StagingArea _staging;
    private readonly NodeTable _table;
    private readonly MetadataCodec _codec;
    private readonly Prober _prober;
    private readonly DirectoryListing _listing;
    private readonly Uploader _uploader;
    private readonly WalkConfirmation _walks;
    private readonly HandleTable _handles = new();
    private readonly WriteBackMode _writeBack;
    private readonly WriteBackQueue _queue = new(parallelism: 16, maxQueued: 512);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Usage.BucketUsage _usage;
    private readonly TimeProvider _clock;

    public SharedFileSystem(IObjectStore store, StagingArea staging, FileSystemSettings settings, TimeProvider clock)
    {
        _store = store;
        _staging = staging;
        _clock = clock;
        _writeBack = settings.WriteBack;
        _codec = new MetadataCodec(settings.DefaultUid, settings.DefaultGid);
        var now = TimeSpec.FromDateTimeOffset(clock.GetUtcNow());
        _table = new NodeTable(clock, settings.CacheTtl,
            NodeAttributes.Fresh(settings.RootPermissions, settings.DefaultUid, settings.DefaultGid, now), settings.NodeCapacity);
        _prober = new Prober(store, _codec);
        _listing = new DirectoryListing(store);
        _uploader = new Uploader(store);
        _walks = new WalkConfirmation(_table, _listing);
        _usage = new Usage.BucketUsage(store, clock, settings.Quota);
    }

    /// <summary>The bucket's bytes for df and the quota.</summary>
    internal Usage.BucketUsage Usage => _usage;

    /// <summary>What the mount holds and does now (the store's own figures are added by the mount).</summary>
    internal MountFigures Figures(RequestFigures? requests)
    {
        int local, uploading;
        lock (Gate)
        {
            var nodes = _table.LocalNodes();
            (local, uploading) = (nodes.Count, nodes.Count(node => node.State == NodeState.Uploading));
        }
        return new MountFigures(_handles.FileCount, local, uploading, _usage.Used, _usage.Counted, _usage.Quota, requests);
    }

    /// <summary>Starts counting the bucket's bytes in the background (the mount does, once it answers).</summary>
    public void StartCountingUsage() => _ = _usage.RunAsync(_stopping.Token);

    /// <summary>Tells the kernel a node's cached attributes are stale (set by the mount; tests leave it unset).</summary>
    public Action<ulong>? InvalidateAttributes { get; set; }

    /// <summary>Tells the kernel a name it caches is gone (set by the mount; tests leave it unset).</summary>
    public Action<ulong, string>? InvalidateName { get; set; }

    /// <summary>
    /// A name the kernel may still cache turned out removed elsewhere: it is told once the current request has been
    /// answered (the kernel may hold the directory's lock for that request).
    /// </summary>
    private void ForgetNameLater(ulong parent, string name)
    {
        if (InvalidateName is { } invalidate) _ = Task.Run(() => invalidate(parent, name));
    }

    /// <summary>The table, for the core's tests.</summary>
    internal NodeTable Table => _table;

    private Lock Gate => _table.Gate;

    private static FuseError Fail(int errno) => Errno.Fail(errno);

    /// <summary>The answer to every call that gives the kernel a name: one more kernel reference to the node.</summary>
    private FuseEntry EntryFor(Node node)
    {
        _table.Reference(node);
        var timeout = _table.KernelTimeout(node);
        return new FuseEntry(node.Id, node.Attributes.ToStat(node.Kind, node.Id), timeout, timeout);
    }

    /// <summary>
    /// An open file's attributes stand while it is open (close-to-open: its handles see the version they opened), so
    /// the kernel keeps them for the whole TTL instead of asking again at every read.
    /// </summary>
    private FuseAttributes AttributesOf(Node node) =>
        new(node.Attributes.ToStat(node.Kind, node.Id), node.OpenHandles > 0 ? _table.Ttl : _table.KernelTimeout(node));

    /// <summary>The child's key, or null when the name cannot be stored (too long for a name or for S3's 1024-byte keys).</summary>
    private string? ChildKey(Node directory, string name)
    {
        var key = ObjectKeys.Child(_table.KeyOf(directory), name);
        return ObjectKeys.IsTooLong(name, key) ? null : key;
    }

    /// <summary>The group a new node gets: the caller's, or the directory's when it has set-group-ID (as ext4 does).</summary>
    private static uint GroupFor(FuseContext context, Node directory) =>
        (directory.Attributes.Permissions & FileMode.SetGid) != 0 ? directory.Attributes.Gid : context.Gid;

    /// <summary>An entry was made or removed in the directory: its mtime and ctime move (this mount's view; s3fs keeps none).</summary>
    private void DirectoryChanged(Node directory) => _table.DirectoryChanged(directory);

    /// <summary>
    /// The errno for a failure the bucket or the disk reported, logged with what was being done (a missing object is
    /// an ordinary answer and is not logged). Anything else is a bug: it propagates, and the binding answers EIO.
    /// </summary>
    private static int ErrnoOf(string operation, string what, Exception e)
    {
        var errno = e switch
        {
            StorageException { Kind: StorageErrorKind.NotFound } => Errno.ENOENT,
            StorageException { Kind: StorageErrorKind.QuotaExceeded } => Errno.ENOSPC,
            StorageException { Kind: StorageErrorKind.AccessDenied or StorageErrorKind.InvalidCredentials } => Errno.EACCES,
            StorageException { Kind: StorageErrorKind.NotImplemented } => Errno.EOPNOTSUPP,
            StorageException => Errno.EIO,
            IOException io when IsNoSpace(io) => Errno.ENOSPC,
            IOException => Errno.EIO,
            _ => 0,
        };
        if (errno == 0) throw new InvalidOperationException($"{operation} {what} failed unexpectedly", e);
        if (e is StorageException { Kind: StorageErrorKind.QuotaExceeded })
            FsLog.Warn($"{operation} {what} refused with ENOSPC: the server says the bucket's quota is full ({e.Message}); delete files, or raise the bucket's quota");
        else if (errno != Errno.ENOENT) FsLog.Warn($"{operation} {what}: {e.Message}");
        return errno;
    }

    private static bool IsExpected(Exception e) => e is StorageException or IOException;

    private static bool IsNoSpace(IOException e) =>
        e.HResult == Errno.ENOSPC || (e.HResult & 0xFFFF) == 0x70 /* ERROR_DISK_FULL */
        || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs a request's body, turning the bucket's and the disk's failures into their errno.</summary>
    private static async ValueTask<FuseResult<T>> Guard<T>(string operation, string what, Func<ValueTask<FuseResult<T>>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (IsExpected(e))
        {
            return Fail(ErrnoOf(operation, what, e));
        }
    }

    private static async ValueTask<int> GuardErrno(string operation, string what, Func<ValueTask<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (IsExpected(e))
        {
            return ErrnoOf(operation, what, e);
        }
    }
}
