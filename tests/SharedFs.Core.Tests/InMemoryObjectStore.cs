using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using SharedFs.Storage;

namespace SharedFs.Core.Tests;

/// <summary>One request the core sent: what, on which key, and how many requests were on the wire with it.</summary>
public sealed record Request(string Kind, string Key, int InFlight);

/// <summary>
/// A bucket in memory, as S3 answers: byte-ordered keys, delimited and paginated listings, multipart uploads,
/// server-side copies. It counts every request; it can hold them all until the test lets them go (to see which
/// ones were on the wire together: one round trip), and fail the writes (an outage). Other containers' changes are
/// made with <see cref="Put"/> and <see cref="Remove"/>, behind the core's back.
/// </summary>
public sealed class InMemoryObjectStore(TimeProvider clock) : IObjectStore
{
    private sealed record Stored(byte[] Bytes, IReadOnlyDictionary<string, string> Metadata, string? ContentType, string ETag, DateTimeOffset LastModified);

    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, Stored> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SortedDictionary<int, byte[]>> _uploads = new();
    private readonly List<Request> _requests = [];
    private TaskCompletionSource _released = Released();
    private int _inFlight;
    private long _uploadIds;

    public string Bucket => "memory";

    /// <summary>Requests wait until <see cref="Release"/> (true), or go through at once (false, the default).</summary>
    public bool Holding { get; set; }

    /// <summary>Writes (PUT, COPY, parts, DELETE) fail as an unreachable server's would.</summary>
    public bool FailWrites { get; set; }

    /// <summary>Writes are refused as a full bucket's (RGW's 403 QuotaExceeded).</summary>
    public bool RefuseWritesAsQuotaExceeded { get; set; }

    public IReadOnlyList<Request> Requests
    {
        get { lock (_lock) return _requests.ToList(); }
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Forgets the requests counted so far (a test counts the ones of the call it looks at).</summary>
    public void ClearRequests()
    {
        lock (_lock) _requests.Clear();
    }

    /// <summary>Lets every held request go.</summary>
    public void Release()
    {
        TaskCompletionSource released;
        lock (_lock)
        {
            released = _released;
            _released = Released();
        }
        released.TrySetResult();
    }

    /// <summary>Waits (up to a deadline only a hang reaches) until <paramref name="count"/> requests are held at once.</summary>
    public async Task WaitForInFlightAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (InFlight < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{InFlight} requests on the wire, {count} expected");
            await Task.Delay(1);
        }
    }

    /// <summary>Another container (or an S3 tool) stores an object.</summary>
    public void Put(string key, byte[] bytes, IReadOnlyDictionary<string, string>? metadata = null, string? contentType = null)
    {
        lock (_lock) _objects[key] = new Stored(bytes, metadata ?? new Dictionary<string, string>(), contentType, ETagOf(bytes), clock.GetUtcNow());
    }

    public void Remove(string key)
    {
        lock (_lock) _objects.Remove(key);
    }

    public byte[]? Get(string key)
    {
        lock (_lock) return _objects.GetValueOrDefault(key)?.Bytes;
    }

    public IReadOnlyDictionary<string, string>? MetadataOf(string key)
    {
        lock (_lock) return _objects.GetValueOrDefault(key)?.Metadata;
    }

    public IReadOnlyList<string> Keys
    {
        get { lock (_lock) return _objects.Keys.ToList(); }
    }

    private static TaskCompletionSource Released() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string ETagOf(byte[] bytes) => "\"" + Convert.ToHexStringLower(MD5.HashData(bytes)) + "\"";

    /// <summary>Every request goes through here: counted, held if asked, failed if writes fail.</summary>
    private async Task SendAsync(string kind, string key, bool write)
    {
        Task released;
        lock (_lock)
        {
            var inFlight = Interlocked.Increment(ref _inFlight);
            _requests.Add(new Request(kind, key, inFlight));
            released = Holding ? _released.Task : Task.CompletedTask;
        }
        try
        {
            await released.ConfigureAwait(false);
            await Task.Yield(); // never answered inline: the caller's code after the call runs first, as on a network
            if (write && FailWrites) throw new StorageException(StorageErrorKind.Unavailable, $"S3 {kind} '{key}': injected outage");
            if (write && RefuseWritesAsQuotaExceeded && kind != "DELETE")
                throw new StorageException(StorageErrorKind.QuotaExceeded, $"S3 {kind} '{key}': QuotaExceeded") { ServerCode = "QuotaExceeded", HttpStatus = 403 };
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private ObjectInfo InfoOf(string key, Stored stored) =>
        new(key, stored.Bytes.Length, stored.LastModified, stored.ETag, stored.ContentType, stored.Metadata) { AnsweredAt = clock.GetUtcNow() };

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        await SendAsync("HEAD", key, write: false);
        lock (_lock) return _objects.TryGetValue(key, out var stored) ? InfoOf(key, stored) : null;
    }

    public async Task<int> ReadAsync(string key, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await SendAsync("GET", key, write: false);
        lock (_lock)
        {
            if (!_objects.TryGetValue(key, out var stored)) throw new StorageException(StorageErrorKind.NotFound, $"no such key {key}");
            if (offset >= stored.Bytes.Length) return 0;
            var count = (int)Math.Min(buffer.Length, stored.Bytes.Length - offset);
            stored.Bytes.AsSpan((int)offset, count).CopyTo(buffer.Span);
            return count;
        }
    }

    public async Task<FirstBytes> ReadFirstBytesAsync(string key, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await SendAsync("GET", key, write: false);
        lock (_lock)
        {
            if (!_objects.TryGetValue(key, out var stored)) return FirstBytes.Missing;
            if (stored.Bytes.Length == 0) return FirstBytes.Empty; // a ranged GET of nothing: no metadata, as S3 answers
            var count = Math.Min(buffer.Length, stored.Bytes.Length);
            stored.Bytes.AsSpan(0, count).CopyTo(buffer.Span);
            return new FirstBytes(true, InfoOf(key, stored), count);
        }
    }

    public async Task<ObjectInfo> DownloadAsync(string key, Stream destination, long offset = 0, CancellationToken cancellationToken = default)
    {
        await SendAsync("GET", key, write: false);
        Stored stored;
        lock (_lock) stored = _objects.TryGetValue(key, out var found) ? found : throw new StorageException(StorageErrorKind.NotFound, $"no such key {key}");
        await destination.WriteAsync(stored.Bytes.AsMemory((int)offset), cancellationToken);
        return InfoOf(key, stored);
    }

    public async Task<ObjectInfo> UploadAsync(string key, Stream content, long length, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        var bytes = new byte[length];
        await content.ReadExactlyAsync(bytes, cancellationToken);
        await SendAsync("PUT", key, write: true);
        return Store(key, bytes, options);
    }

    /// <summary>
    /// As a real server: objects are dated by the server's clock, this far ahead of ours, to the second (as HEAD
    /// answers), while a PUT's answer carries our own clock (S3 sends no Last-Modified for a PUT). Null: one clock.
    /// </summary>
    public TimeSpan? ServerClockAhead { get; set; }

    private ObjectInfo Store(string key, byte[] bytes, ObjectWriteOptions options)
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            var dated = ServerClockAhead is { } ahead ? DateTimeOffset.FromUnixTimeSeconds((now + ahead).ToUnixTimeSeconds()) : now;
            var stored = new Stored(bytes, options.Metadata.ToDictionary(), options.ContentType, ETagOf(bytes), dated);
            _objects[key] = stored;
            return InfoOf(key, stored) with { LastModified = now }; // our clock, as S3ObjectStore dates a PUT
        }
    }

    public async Task<ObjectInfo> ComposeAsync(string key, IReadOnlyList<ObjectPiece> pieces, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        using var body = new MemoryStream();
        foreach (var piece in pieces)
        {
            if (piece is ObjectPiece.Copied copied)
            {
                lock (_lock) body.Write(_objects[copied.SourceKey].Bytes, (int)copied.Offset, (int)copied.Length);
            }
            else if (piece is ObjectPiece.Local local)
            {
                var bytes = new byte[local.Length];
                local.Content.Position = local.Offset;
                await local.Content.ReadExactlyAsync(bytes, cancellationToken);
                body.Write(bytes);
            }
        }
        await SendAsync("COMPOSE", key, write: true);
        return Store(key, body.ToArray(), options);
    }

    public async Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, ObjectWriteOptions? replaceMetadata = null, CancellationToken cancellationToken = default)
    {
        await SendAsync("COPY", destinationKey, write: true);
        lock (_lock)
        {
            if (!_objects.TryGetValue(sourceKey, out var source)) throw new StorageException(StorageErrorKind.NotFound, $"no such key {sourceKey}");
            var copy = replaceMetadata is null
                ? source with { LastModified = clock.GetUtcNow() }
                : source with { Metadata = replaceMetadata.Metadata.ToDictionary(), ContentType = replaceMetadata.ContentType ?? source.ContentType, LastModified = clock.GetUtcNow() };
            _objects[destinationKey] = copy;
            return InfoOf(destinationKey, copy);
        }
    }

    public async Task<string> StartPartsAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        await SendAsync("START-PARTS", key, write: true);
        var id = $"upload-{Interlocked.Increment(ref _uploadIds)}";
        _uploads[id] = [];
        return id;
    }

    public async Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream content, long length, CancellationToken cancellationToken = default)
    {
        var bytes = new byte[length];
        await content.ReadExactlyAsync(bytes, cancellationToken);
        await SendAsync("PART", key, write: true);
        lock (_lock) _uploads[uploadId][partNumber] = bytes;
        return new UploadedPart(partNumber, ETagOf(bytes));
    }

    public async Task<ObjectInfo> CompletePartsAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, long size, ObjectWriteOptions options,
        CancellationToken cancellationToken = default)
    {
        await SendAsync("COMPLETE-PARTS", key, write: true);
        byte[] body;
        lock (_lock) body = parts.SelectMany(p => _uploads[uploadId][p.Number]).ToArray();
        _uploads.TryRemove(uploadId, out _);
        return Store(key, body, options);
    }

    public async Task AbortPartsAsync(string key, string uploadId)
    {
        await SendAsync("ABORT-PARTS", key, write: true);
        _uploads.TryRemove(uploadId, out _);
    }

    /// <summary>Unfinished multipart uploads (a test checks none is left behind).</summary>
    public int OpenUploads => _uploads.Count;

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await SendAsync("DELETE", key, write: true);
        lock (_lock) _objects.Remove(key);
    }

    public async Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        await SendAsync("DELETE-MANY", string.Join(",", keys), write: true);
        lock (_lock)
            foreach (var key in keys) _objects.Remove(key);
    }

    public async Task<ListPage> ListPageAsync(string prefix, string? delimiter, string? continuationToken, int maxKeys = 1000, CancellationToken cancellationToken = default)
    {
        await SendAsync("LIST", prefix, write: false);
        lock (_lock)
        {
            var objects = new List<ObjectSummary>();
            var prefixes = new List<string>();
            string? next = null;
            foreach (var (key, stored) in _objects)
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal) || (continuationToken is not null && string.CompareOrdinal(key, continuationToken) <= 0)) continue;
                var slash = delimiter is null ? -1 : key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (slash >= 0)
                {
                    var common = key[..(slash + 1)];
                    if (prefixes.Count > 0 && prefixes[^1] == common) continue;
                    if (objects.Count + prefixes.Count == maxKeys) { next = key; break; }
                    prefixes.Add(common);
                }
                else
                {
                    if (objects.Count + prefixes.Count == maxKeys) { next = key; break; }
                    objects.Add(new ObjectSummary(key, stored.Bytes.Length, stored.LastModified, stored.ETag));
                }
            }
            // The token is the last key returned: the next page starts after it (past the whole common prefix).
            var last = next is null ? null : objects.Select(o => o.Key).Concat(prefixes.Select(p => p + "\uffff")).Max(StringComparer.Ordinal);
            return new ListPage(objects, prefixes, last);
        }
    }

    public async IAsyncEnumerable<ListPage> ListAllAsync(string prefix, string? delimiter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await ListPageAsync(prefix, delimiter, token, 1000, cancellationToken);
            yield return page;
            token = page.NextContinuationToken;
        } while (token is not null);
    }
}
