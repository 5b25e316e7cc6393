using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>
/// Reads of one open handle of an unmodified object: ranged GETs in aligned chunks, with a read-ahead window
/// that grows while the reads are sequential (parallel range fetches). Memory is bounded per handle
/// (<see cref="MaxChunksPerHandle"/>) and across all handles (<see cref="GlobalBudgetBytes"/>: above it only
/// the chunks a read needs are fetched, nothing ahead).
/// </summary>
internal sealed class ReadAhead(IObjectStore store, string key, long size) : IDisposable
{
    public const int ChunkSize = 1 << 20;
    public const int MaxWindowChunks = 16;
    public const int MaxChunksPerHandle = 24;
    public const long GlobalBudgetBytes = 512L << 20;

    private static long s_globalBytes;

    private readonly Dictionary<long, Task<byte[]>> _chunks = [];
    private readonly Lock _lock = new();
    private long _lastEnd = -1;
    private int _window;
    private bool _disposed;

    public string Key { get; } = key;
    public long Size { get; } = size;

    public int Read(Span<byte> buffer, long offset)
    {
        if (offset >= Size || buffer.Length == 0) return 0;
        var count = (int)Math.Min(buffer.Length, Size - offset);
        var first = offset / ChunkSize;
        var last = (offset + count - 1) / ChunkSize;
        var needed = new List<Task<byte[]>>();
        lock (_lock)
        {
            // The kernel sends sequential reads out of order from several threads: "near the last end" counts.
            var sequential = _lastEnd >= 0 && Math.Abs(offset - _lastEnd) <= 2L * ChunkSize;
            _window = sequential ? Math.Min(MaxWindowChunks, Math.Max(1, _window * 2)) : 0;
            _lastEnd = offset + count;
            for (var i = first; i <= last; i++) needed.Add(Fetch(i, demand: true));
            for (var i = last + 1; i <= last + _window && i * ChunkSize < Size; i++) Fetch(i, demand: false);
            Evict(first);
        }
        var done = 0;
        for (var i = 0; i < needed.Count; i++)
        {
            var chunk = needed[i].GetAwaiter().GetResult();
            var chunkStart = (first + i) * ChunkSize;
            var from = (int)Math.Max(0, offset + done - chunkStart);
            var n = Math.Min(count - done, chunk.Length - from);
            if (n <= 0) break;
            chunk.AsSpan(from, n).CopyTo(buffer[done..]);
            done += n;
        }
        return done;
    }

    private Task<byte[]> Fetch(long index, bool demand)
    {
        if (_chunks.TryGetValue(index, out var existing))
        {
            if (!existing.IsFaulted && !existing.IsCanceled) return existing;
            _chunks.Remove(index);
        }
        if (!demand && Interlocked.Read(ref s_globalBytes) > GlobalBudgetBytes) return Task.FromResult(Array.Empty<byte>());
        var start = index * ChunkSize;
        var length = (int)Math.Min(ChunkSize, Size - start);
        Interlocked.Add(ref s_globalBytes, length);
        var task = Task.Run(async () =>
        {
            var data = new byte[length];
            var read = 0;
            while (read < length)
            {
                var n = await store.ReadAsync(Key, start + read, data.AsMemory(read)).ConfigureAwait(false);
                if (n <= 0) break;
                read += n;
            }
            return read == length ? data : data[..read];
        });
        _chunks[index] = task;
        return task;
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
        if (!_chunks.Remove(index)) return;
        Interlocked.Add(ref s_globalBytes, -(int)Math.Min(ChunkSize, Size - index * ChunkSize));
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var index in _chunks.Keys.ToList()) Drop(index);
        }
    }
}
