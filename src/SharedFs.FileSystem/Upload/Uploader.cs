using SharedFs.FileSystem.Content;
using SharedFs.Storage;

namespace SharedFs.FileSystem.Upload;

/// <summary>What one upload must store: a key, its metadata, and the file's content if any.</summary>
/// <param name="Content">The local bytes (null: nothing local, the object's body is <paramref name="Body"/> or empty).</param>
/// <param name="Body">A whole small body (a symbolic link's target); null for none.</param>
/// <param name="BaseKey">Where the bytes not changed here are, in the bucket (null: nowhere, a new file).</param>
/// <param name="Streamed">The parts sent while the file was written, if any.</param>
internal sealed record UploadRequest(string Key, ObjectWriteOptions Options, FileContent? Content, byte[]? Body = null,
    string? BaseKey = null, StreamedUpload? Streamed = null);

/// <summary>
/// Stores one version of a file, choosing how from what changed: the whole body in one PUT (small files, new files,
/// files changed all over), the completion of the parts streamed while it was written, or a compose (the unchanged
/// ranges copied on the server, the changed ones sent) for a big file changed in part. The part rules of S3 are
/// the store's business; this only says which ranges are local and which are copied.
/// </summary>
internal sealed class Uploader(IObjectStore store)
{
    /// <summary>Below this size a changed file is sent whole (its missing ranges fetched first) rather than composed.</summary>
    public const long WholeUploadLimit = 8L << 20;

    public enum Strategy { WholeBody, Streamed, Compose }

    /// <summary>The strategy for a file of <paramref name="size"/> whose base has <paramref name="baseLength"/> bytes still in use.</summary>
    public static Strategy Choose(long size, long baseLength, StreamedUpload? streamed, long writtenPrefix) =>
        streamed is not null && baseLength == 0 && writtenPrefix >= streamed.SentEnd && size >= streamed.SentEnd ? Strategy.Streamed
        : size <= WholeUploadLimit || baseLength == 0 ? Strategy.WholeBody
        : Strategy.Compose;

    public async Task<ObjectInfo> UploadAsync(UploadRequest request)
    {
        if (request.Content is not { } content)
        {
            // Only the metadata changed: a server-side copy onto itself (no data moves).
            if (request.BaseKey is { } source && request.Body is null)
                return await store.CopyAsync(source, request.Key, request.Options).ConfigureAwait(false);
            var body = request.Body ?? [];
            return await store.UploadAsync(request.Key, new MemoryStream(body, writable: false), body.Length, request.Options).ConfigureAwait(false);
        }
        var size = content.Size;
        switch (Choose(size, content.BaseLength, request.Streamed, content.WrittenPrefix))
        {
            case Strategy.Streamed:
                try
                {
                    return await request.Streamed!.FinishAsync(size, request.Options).ConfigureAwait(false);
                }
                catch (Exception e) when (e is StorageException or IOException)
                {
                    // The parts are dropped; the file goes up the ordinary way instead.
                    FsLog.Warn($"streamed upload of {request.Key} failed, sending it whole: {e.Message}");
                    request.Streamed!.Abandon();
                    return await UploadWholeAsync(request, content, size).ConfigureAwait(false);
                }
            case Strategy.WholeBody:
                request.Streamed?.Abandon();
                return await UploadWholeAsync(request, content, size).ConfigureAwait(false);
            default:
                request.Streamed?.Abandon();
                return await ComposeAsync(request, content, size).ConfigureAwait(false);
        }
    }

    private async Task<ObjectInfo> UploadWholeAsync(UploadRequest request, FileContent content, long size)
    {
        if (request.BaseKey is { } baseKey) await BaseFetcher.EnsureLocalAsync(store, baseKey, content, 0, size).ConfigureAwait(false);
        await using var body = content.OpenRead(0, size);
        return await store.UploadAsync(request.Key, body, size, request.Options).ConfigureAwait(false);
    }

    /// <summary>Ranges never written here and still in the base are copied on the server; the rest is sent.</summary>
    private async Task<ObjectInfo> ComposeAsync(UploadRequest request, FileContent content, long size)
    {
        var baseKey = request.BaseKey ?? throw new InvalidOperationException("a compose needs the base object");
        var pieces = new List<ObjectPiece>();
        var streams = new List<Stream>();
        try
        {
            var baseLength = content.BaseLength;
            long cursor = 0;
            foreach (var (start, end) in content.Written.Append((size, size)))
            {
                var runEnd = Math.Min(start, size);
                if (runEnd > cursor)
                {
                    // Unchanged here: the base's bytes up to its end, zeros (local) beyond it.
                    var copyEnd = Math.Min(runEnd, baseLength);
                    if (copyEnd > cursor) pieces.Add(new ObjectPiece.Copied(baseKey, cursor, copyEnd - cursor));
                    if (runEnd > Math.Max(cursor, copyEnd)) pieces.Add(Local(content, Math.Max(cursor, copyEnd), runEnd, streams));
                }
                var writtenEnd = Math.Min(end, size);
                if (writtenEnd > Math.Max(start, cursor)) pieces.Add(Local(content, Math.Max(start, cursor), writtenEnd, streams));
                cursor = Math.Max(cursor, writtenEnd);
            }
            return await store.ComposeAsync(request.Key, pieces, request.Options).ConfigureAwait(false);
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static ObjectPiece Local(FileContent content, long start, long end, List<Stream> streams)
    {
        var stream = content.OpenRead(start, end - start);
        streams.Add(stream);
        return new ObjectPiece.Local(stream, 0, end - start);
    }
}
