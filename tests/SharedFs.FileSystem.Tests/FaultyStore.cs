using SharedFs.Storage;
using SharedFs.TestSupport;

namespace SharedFs.FileSystem.Tests;

/// <summary>
/// The real store, with writes that can be made to fail on demand (an outage of the bucket) or to take longer
/// (a slow bucket: uploads and deletes visibly in flight). Counts the lookups' requests (HEADs and listings).
/// </summary>
internal sealed class FaultyStore(IObjectStore inner) : IObjectStore, IDisposable
{
    public volatile bool FailWrites;
    public volatile int WriteDelayMilliseconds;
    public volatile int DeleteDelayMilliseconds;
    private int _heads, _directoryProbes, _listings;
    public int Heads => Volatile.Read(ref _heads);
    /// <summary>HEADs of a directory marker or legacy folder object: what a lookup of a missing name asks.</summary>
    public int DirectoryProbes => Volatile.Read(ref _directoryProbes);
    public int Listings => Volatile.Read(ref _listings);

    public string Bucket => inner.Bucket;

    /// <summary>Mounts <paramref name="bucket"/> through a new faulty store (the settings tests vary are parameters).</summary>
    public static async Task<(SharedFsMount Mount, FaultyStore Store)> MountAsync(TestBucket bucket, string mountPoint, string staging,
        WriteBackMode writeBack, TimeSpan? cacheTtl = null)
    {
        Requirements.DevFuse();
        var store = new FaultyStore(new S3ObjectStore(bucket.StoreOptions));
        var mount = await SharedFsMount.MountAsync(new SharedFsMountOptions
        {
            Store = bucket.StoreOptions,
            MountPoint = mountPoint,
            StagingDirectory = staging,
            UnmountWait = TimeSpan.FromSeconds(2),
            CacheTtl = cacheTtl ?? TimeSpan.FromSeconds(1),
            WriteBack = writeBack,
        }, store);
        return (mount, store);
    }

    private void ThrowIfFailing()
    {
        if (FailWrites) throw new StorageException(StorageErrorKind.Unavailable, "injected outage");
    }

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _heads);
        if (key.EndsWith('/') || key.EndsWith("_$folder$", StringComparison.Ordinal)) Interlocked.Increment(ref _directoryProbes);
        return inner.HeadAsync(key, cancellationToken);
    }
    public Task<int> ReadAsync(string key, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(key, offset, buffer, cancellationToken);
    public Task<FirstBytes> ReadFirstBytesAsync(string key, Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadFirstBytesAsync(key, buffer, cancellationToken);
    public Task<ObjectInfo> DownloadAsync(string key, Stream destination, long offset = 0, CancellationToken cancellationToken = default) => inner.DownloadAsync(key, destination, offset, cancellationToken);

    public async Task<ObjectInfo> UploadAsync(string key, Stream content, long length, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        await Task.Delay(WriteDelayMilliseconds, cancellationToken);
        ThrowIfFailing();
        return await inner.UploadAsync(key, content, length, options, cancellationToken);
    }

    public Task<ObjectInfo> ComposeAsync(string key, IReadOnlyList<ObjectPiece> pieces, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        return inner.ComposeAsync(key, pieces, options, cancellationToken);
    }

    public Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, ObjectWriteOptions? replaceMetadata = null, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        return inner.CopyAsync(sourceKey, destinationKey, replaceMetadata, cancellationToken);
    }

    public async Task<string> StartPartsAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        await Task.Delay(WriteDelayMilliseconds, cancellationToken);
        ThrowIfFailing();
        return await inner.StartPartsAsync(key, options, cancellationToken);
    }

    public Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream content, long length, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        return inner.UploadPartAsync(key, uploadId, partNumber, content, length, cancellationToken);
    }

    public Task<ObjectInfo> CompletePartsAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, long size, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        return inner.CompletePartsAsync(key, uploadId, parts, size, options, cancellationToken);
    }

    public Task AbortPartsAsync(string key, string uploadId) => inner.AbortPartsAsync(key, uploadId);

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await Task.Delay(DeleteDelayMilliseconds, cancellationToken);
        await inner.DeleteAsync(key, cancellationToken);
    }
    public Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => inner.DeleteManyAsync(keys, cancellationToken);
    public Task<ListPage> ListPageAsync(string prefix, string? delimiter, string? continuationToken, int maxKeys = 1000, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _listings);
        return inner.ListPageAsync(prefix, delimiter, continuationToken, maxKeys, cancellationToken);
    }
    public IAsyncEnumerable<ListPage> ListAllAsync(string prefix, string? delimiter, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _listings);
        return inner.ListAllAsync(prefix, delimiter, cancellationToken);
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
