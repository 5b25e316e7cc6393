using SharedFs.Storage;

using SharedFs.FileSystem.Content;

namespace SharedFs.FileSystem.Upload;

/// <summary>
/// The parts of a new file sent while it is still being written from its start: each time the written prefix
/// holds one more whole part, that part goes to the bucket (read back from the local content), so that close()
/// finds most of a big file uploaded already and the upload overlaps the writing. A write or truncate into
/// what was sent, or a rename, abandons it: the file is then uploaded whole at close, like any other.
/// Nothing of it is visible in the bucket before it is completed. Thread-safe.
/// </summary>
internal sealed class StreamedUpload
{
    /// <summary>
    /// 64 MiB parts, 2 at a time: on the local Ceph gateway 2–6 parts of 16–64 MiB all reach 85–100 % of one plain
    /// PUT's rate (the server is the limit, docs/filesystem.md), two big parts a little more than the others.
    /// </summary>
    public const long PartSize = 64L << 20;
    /// <summary>A file starts streaming once its written prefix holds one whole part.</summary>
    public const long StartSize = PartSize;
    private const int PartsInFlight = 2;
    private const int MaxParts = 10_000;

    private readonly IObjectStore _store;
    private readonly FileContent _content;
    private readonly Lock _lock = new();
    private readonly string _key;
    private readonly ObjectWriteOptions _startOptions;
    private readonly SemaphoreSlim _slots = new(PartsInFlight, PartsInFlight);
    private readonly CancellationTokenSource _cancel = new();
    private readonly Task<string> _uploadId;
    private readonly List<Task<UploadedPart>> _parts = [];

    public StreamedUpload(IObjectStore store, FileContent content, string key, ObjectWriteOptions options)
    {
        _store = store;
        _content = content;
        _key = key;
        _startOptions = options;
        // Not cancellable: an upload created on the server but never learned of could not be aborted.
        _uploadId = Task.Run(() => store.StartPartsAsync(key, options, CancellationToken.None));
    }

    /// <summary>The object key the parts go to (a rename abandons the upload).</summary>
    public string Key => _key;

    /// <summary>The end of what was handed to the bucket: the file must not change before it.</summary>
    public long SentEnd
    {
        get { lock (_lock) return _sentEnd; }
    }

    private long _sentEnd;

    /// <summary>The written prefix now ends at <paramref name="contiguousEnd"/>: sends every whole part not sent yet.</summary>
    public bool Advance(long contiguousEnd)
    {
        lock (_lock)
        {
            while (contiguousEnd - _sentEnd >= PartSize)
            {
                if (_parts.Count >= MaxParts - 1) return false; // keep one part for the tail, or give up
                StartPart(_sentEnd, PartSize);
            }
            return true;
        }
    }

    private void StartPart(long start, long length)
    {
        var number = _parts.Count + 1;
        _sentEnd = start + length;
        _parts.Add(Task.Run(() => SendPartAsync(number, start, length)));
    }

    private async Task<UploadedPart> SendPartAsync(int number, long start, long length)
    {
        await _slots.WaitAsync(_cancel.Token).ConfigureAwait(false);
        try
        {
            var uploadId = await _uploadId.ConfigureAwait(false);
            await using var content = _content.OpenRead(start, length);
            return await _store.UploadPartAsync(_key, uploadId, number, content, length, _cancel.Token).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Sends the rest of the file, completes the upload, and rewrites the metadata on the server when it changed
    /// since the start (the mtime of a file still being written always does). Throws when anything failed: the
    /// caller abandons it and uploads the file the ordinary way.
    /// </summary>
    public async Task<ObjectInfo> FinishAsync(long size, ObjectWriteOptions current)
    {
        Task<UploadedPart>[] pending;
        lock (_lock)
        {
            while (_sentEnd < size) StartPart(_sentEnd, Math.Min(PartSize, size - _sentEnd));
            pending = _parts.ToArray();
        }
        var parts = await Task.WhenAll(pending).ConfigureAwait(false);
        var uploadId = await _uploadId.ConfigureAwait(false);
        var info = await _store.CompletePartsAsync(_key, uploadId, parts, size, _startOptions).ConfigureAwait(false);
        if (!SameOptions(current, _startOptions))
            info = await _store.CopyAsync(_key, _key, current).ConfigureAwait(false);
        return info;
    }

    /// <summary>Stops the parts in flight and drops the upload on the server, in the background.</summary>
    public void Abandon()
    {
        _cancel.Cancel();
        Task<UploadedPart>[] parts;
        lock (_lock) parts = _parts.ToArray();
        _ = Task.Run(async () =>
        {
            await ((Task)Task.WhenAll(parts)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await ((Task)_uploadId).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (_uploadId.IsCompletedSuccessfully) await _store.AbortPartsAsync(_key, _uploadId.Result).ConfigureAwait(false);
            else FsLog.Warn($"streamed upload of {_key}: it could not be started, nothing to abort ({_uploadId.Exception?.InnerException?.Message})");
        });
    }

    private static bool SameOptions(ObjectWriteOptions a, ObjectWriteOptions b) =>
        a.ContentType == b.ContentType && a.Metadata.Count == b.Metadata.Count
        && a.Metadata.All(pair => b.Metadata.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
