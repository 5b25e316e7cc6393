namespace SharedFs.Storage;

/// <summary>
/// One bucket of an S3-compatible server, as the filesystem needs it. Keys are used as given (no leading '/').
/// Metadata keys are the user-metadata names without the "x-amz-meta-" prefix, lower case ("mode", "mtime").
/// Every failure is a <see cref="StorageException"/> whose <see cref="StorageException.Kind"/> says what went wrong;
/// transient failures are retried with backoff inside the store before they surface.
/// </summary>
public interface IObjectStore
{
    string Bucket { get; }

    /// <summary>HEAD: the object's size, dates and metadata, or null when there is no such key.</summary>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Ranged GET into <paramref name="buffer"/>: returns the bytes read (fewer at the end of the object).</summary>
    Task<int> ReadAsync(string key, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>
    /// One GET of the object's first bytes that also tells its size, dates and metadata (a HEAD and a read in one
    /// request). An empty object exists but comes without its metadata (a ranged GET of nothing carries none): ask
    /// with HEAD then.
    /// </summary>
    Task<FirstBytes> ReadFirstBytesAsync(string key, Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>GET of the whole object (or from <paramref name="offset"/>) into <paramref name="destination"/>, streamed.</summary>
    Task<ObjectInfo> DownloadAsync(string key, Stream destination, long offset = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// PUT of <paramref name="length"/> bytes from a seekable stream positioned at 0; multipart with parallel parts
    /// above the threshold. Returns the stored object's info.
    /// </summary>
    Task<ObjectInfo> UploadAsync(string key, Stream content, long length, ObjectWriteOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Builds <paramref name="key"/> from pieces: ranges copied server-side from existing objects and local bytes,
    /// so that a small change to a big object does not resend all of it. Falls back to a download and full upload
    /// where the server lacks UploadPartCopy.
    /// </summary>
    Task<ObjectInfo> ComposeAsync(string key, IReadOnlyList<ObjectPiece> pieces, ObjectWriteOptions options, CancellationToken cancellationToken = default);

    /// <summary>Server-side COPY (multipart copy for large objects). Metadata is replaced when options carry metadata.</summary>
    Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, ObjectWriteOptions? replaceMetadata = null, CancellationToken cancellationToken = default);

    /// <summary>Starts a multipart upload whose parts the caller sends as its data comes; returns the upload id.</summary>
    Task<string> StartPartsAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken = default);

    /// <summary>Sends one part (at least 5 MiB but for the last) from a seekable stream positioned at its start.</summary>
    Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream content, long length, CancellationToken cancellationToken = default);

    /// <summary>Completes the upload: the object becomes visible with the options given at the start.</summary>
    Task<ObjectInfo> CompletePartsAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, long size, ObjectWriteOptions options,
        CancellationToken cancellationToken = default);

    /// <summary>Drops an unfinished upload and its parts (best effort: a bucket lifecycle rule is the backstop).</summary>
    Task AbortPartsAsync(string key, string uploadId);

    /// <summary>DELETE; deleting a missing key is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Batch DELETE (1000 keys per request), one by one where the server lacks it.</summary>
    Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>One page of ListObjectsV2 (V1 where the server lacks V2).</summary>
    Task<ListPage> ListPageAsync(string prefix, string? delimiter, string? continuationToken, int maxKeys = 1000, CancellationToken cancellationToken = default);

    /// <summary>Every page of a listing, followed to the end.</summary>
    IAsyncEnumerable<ListPage> ListAllAsync(string prefix, string? delimiter, CancellationToken cancellationToken = default);
}
