using System.Buffers;
using SharedFs.Storage;

namespace SharedFs.FileSystem.Reading;

/// <summary>
/// Reads of one open handle of an unmodified object: ranged GETs in aligned chunks, with a read-ahead window
/// that grows while the reads are sequential (parallel range fetches). Memory is bounded per handle
/// (<see cref="MaxChunksPerHandle"/>) and across all handles (<see cref="GlobalBudgetBytes"/>: above it only
/// the chunks a read needs are fetched, nothing ahead). Chunk buffers come from a pool and go back to it once
/// neither the handle nor a read in progress holds them (fresh buffers cost a page fault per 4 KiB received).
/// A handle that keeps reading at random gets a local copy of the whole object (<see cref="WholeObjectCache"/>,
/// objects up to <see cref="WholeCopyLimit"/>): its reads are then served from disk as the copy arrives.
/// </summary>
internal sealed class ReadAhead(IObjectStore store, string key, long size, string? etag, Func<WholeObjectCache>? startWholeCopy = null) : IDisposable
{
    /// <summary>Random reads of one handle before the whole object is copied locally.</summary>
    public const int RandomReadsBeforeCopy = 16;
    public const long WholeCopyLimit = 2L << 30;

    public const int ChunkSize = 1 << 20;
    public const int MaxWindowChunks = 16;
    public const int MaxChunksPerHandle = 24;
    public const long GlobalBudgetBytes = 512L << 20;

    /// <summary>Chunk buffers kept for reuse: enough for two handles' full windows (32 MiB at most stays resident).</summary>
    private static readonly ArrayPool<byte> ChunkBuffers = ArrayPool<byte>.Create(ChunkSize, 32);

    private static long s_globalBytes;

    private readonly Dictionary<long, Chunk> _chunks = [];
    private readonly Lock _lock = new();
    private long _lastEnd = -1;
    private int _window;
    private int _randomReads;
    private WholeObjectCache? _wholeCopy;
    private bool _disposed;

    public string Key { get; } = key;
    public long Size { get; } = size;
    /// <summary>The version read (a handle whose file changed gets a new reader).</summary>
    public string? ETag { get; } = etag;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, long offset)
    {
        if (offset >= Size || buffer.Length == 0) return 0;
        var count = (int)Math.Min(buffer.Length, Size - offset);
        if (Volatile.Read(ref _wholeCopy) is { } copy && copy.TryRead(buffer.Span[..count], offset)) return count;
        var first = offset / ChunkSize;
        var last = (offset + count - 1) / ChunkSize;
        var needed = new List<Chunk>();
        lock (_lock)
        {
            // The kernel sends sequential reads out of order from several threads: "near the last end" counts.
            var sequential = _lastEnd >= 0 && Math.Abs(offset - _lastEnd) <= 2L * ChunkSize;
            _window = sequential ? Math.Min(MaxWindowChunks, Math.Max(1, _window * 2)) : 0;
            if (!sequential && _lastEnd >= 0 && ++_randomReads == RandomReadsBeforeCopy && !_disposed
                && startWholeCopy is not null && Size > 2L * ChunkSize && Size <= WholeCopyLimit)
                Volatile.Write(ref _wholeCopy, startWholeCopy());
            _lastEnd = offset + count;
            for (var i = first; i <= last; i++)
            {
                var chunk = Fetch(i, demand: true);
                chunk.AddReader();
                needed.Add(chunk);
            }
            for (var i = last + 1; i <= last + _window && i * ChunkSize < Size; i++) Fetch(i, demand: false);
            Evict(first);
        }
        var done = 0;
        try
        {
            for (var i = 0; i < needed.Count; i++)
            {
                var (data, length) = await needed[i].Content.ConfigureAwait(false);
                var chunkStart = (first + i) * ChunkSize;
                var from = (int)Math.Max(0, offset + done - chunkStart);
                var n = Math.Min(count - done, length - from);
                if (n <= 0) break;
                data.AsSpan(from, n).CopyTo(buffer.Span[done..]);
                done += n;
            }
        }
        finally
        {
            foreach (var chunk in needed) chunk.Release();
        }
        return done;
    }

    private Chunk Fetch(long index, bool demand)
    {
        if (_chunks.TryGetValue(index, out var existing))
        {
            if (!existing.Content.IsFaulted && !existing.Content.IsCanceled) return existing;
            Drop(index);
        }
        if (!demand && Interlocked.Read(ref s_globalBytes) > GlobalBudgetBytes) return Chunk.Empty;
        var start = index * ChunkSize;
        var length = (int)Math.Min(ChunkSize, Size - start);
        Interlocked.Add(ref s_globalBytes, length);
        var chunk = Chunk.Fetching(FetchAsync(start, length));
        _chunks[index] = chunk;
        return chunk;
    }

    private async Task<(byte[] Data, int Length)> FetchAsync(long start, int length)
    {
        await Task.Yield(); // started under the reader's lock: the request goes out after it is released
        var data = ChunkBuffers.Rent(length);
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = await store.ReadAsync(Key, start + read, data.AsMemory(read, length - read)).ConfigureAwait(false);
                if (n <= 0) break;
                read += n;
            }
            return (data, read);
        }
        catch
        {
            ChunkBuffers.Return(data);
            throw;
        }
    }

    /// <summary>Drops chunks behind the reader and, past the per-handle bound, the farthest ones.</summary>
    private void Evict(long current)
    {
        foreach (var index in _chunks.Keys.Where(i => i < current - 1).ToList()) Drop(index);
        while (_chunks.Count > MaxChunksPerHandle)
            Drop(_chunks.Keys.MaxBy(i => Math.Abs(i - current)));
    }

    private void Drop(long index)
    {
        if (!_chunks.Remove(index, out var chunk)) return;
        Interlocked.Add(ref s_globalBytes, -(int)Math.Min(ChunkSize, Size - index * ChunkSize));
        chunk.Release();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var index in _chunks.Keys.ToList()) Drop(index);
            _wholeCopy?.Dispose();
        }
    }

    /// <summary>
    /// One chunk's pooled buffer and its holders: the handle's table (one) plus each read copying from it. The
    /// last release returns the buffer to the pool (once the fetch has finished, whenever that is).
    /// </summary>
    private sealed class Chunk
    {
        private int _holders = 1;

        private Chunk(Task<(byte[] Data, int Length)> content) => Content = content;

        public Task<(byte[] Data, int Length)> Content { get; }

        public static Chunk Empty { get; } = new(Task.FromResult((Array.Empty<byte>(), 0))) { _holders = int.MaxValue / 2 };

        public static Chunk Fetching(Task<(byte[] Data, int Length)> content) => new(content);

        public void AddReader() => Interlocked.Increment(ref _holders);

        public void Release()
        {
            if (Interlocked.Decrement(ref _holders) != 0) return;
            Content.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully && t.Result.Data.Length > 0) ChunkBuffers.Return(t.Result.Data);
            }, TaskScheduler.Default);
        }
    }
}
