namespace SharedFs.FileSystem.Content;

/// <summary>
/// This mount's bytes of one file being changed: what was written here, and what was fetched from the version it
/// started from (its base) to fill around it. No network: a read first asks which base ranges are missing
/// (<see cref="MissingBase"/>), has them fetched, and hands them in (<see cref="FillBase"/>). Bytes live in memory
/// up to <see cref="MemoryLimit"/> (and while the mount's memory budget allows), in a sparse staging file beyond.
/// One short lock guards the ranges and the bytes; nothing under it waits for the network.
/// </summary>
internal sealed class FileContent
{
    /// <summary>Files up to this size are kept in memory.</summary>
    public const int MemoryLimit = 1 << 20;
    /// <summary>All in-memory content of the mount together (the rest goes to staging files).</summary>
    public const long MemoryBudget = 256L << 20;
    private static long s_memoryInUse;

    private readonly Lock _lock = new();
    private readonly StagingArea _staging;
    private readonly RangeSet _written = new();
    private readonly RangeSet _fetched = new();
    private byte[]? _memory;
    private StagingFile? _file;
    private long _size;
    private long _baseLength;
    private bool _discarded;

    /// <param name="baseETag">The version the unwritten bytes come from; null for a new (or emptied) file.</param>
    /// <param name="baseLength">How many bytes of that version are part of the file.</param>
    public FileContent(StagingArea staging, string? baseETag, long baseLength)
    {
        _staging = staging;
        BaseETag = baseLength > 0 ? baseETag : null;
        _baseLength = baseLength;
        _size = baseLength;
        EnsureCapacity(baseLength);
    }

    public string? BaseETag { get; }

    public long Size
    {
        get { lock (_lock) return _size; }
    }

    /// <summary>The prefix of the base version still part of the file (0: nothing to fetch or copy from it).</summary>
    public long BaseLength
    {
        get { lock (_lock) return _baseLength; }
    }

    /// <summary>The ranges written here since the content was made.</summary>
    public IReadOnlyList<(long Start, long End)> Written
    {
        get { lock (_lock) return _written.Ranges.ToList(); }
    }

    /// <summary>The file's bytes form one written run from 0 (a file being written from its start): its end, else 0.</summary>
    public long WrittenPrefix
    {
        get
        {
            lock (_lock)
                return _baseLength == 0 && _written.Ranges is [var (start, end), ..] && start == 0 ? end : 0;
        }
    }

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            var end = offset + data.Length;
            EnsureCapacity(Math.Max(end, _size));
            if (_file is not null) _file.Write(offset, data);
            else data.CopyTo(_memory.AsSpan((int)offset));
            _written.Add(offset, end);
            if (end > _size) _size = end;
        }
    }

    public void Truncate(long size)
    {
        lock (_lock)
        {
            if (size < _size)
            {
                _written.TruncateTo(size);
                _fetched.TruncateTo(size);
                _baseLength = Math.Min(_baseLength, size);
                if (_memory is not null) _memory.AsSpan((int)size, (int)Math.Min(_size - size, _memory.Length - size)).Clear();
            }
            EnsureCapacity(size);
            _file?.SetLength(size); // shrinking drops stale bytes; growing leaves a hole that reads as zeros
            _size = size;
        }
    }

    /// <summary>The ranges of [start, end) that must come from the base version before they can be read here.</summary>
    public List<(long Start, long End)> MissingBase(long start, long end)
    {
        lock (_lock)
        {
            var missing = new List<(long, long)>();
            foreach (var (s, e) in _fetched.Gaps(start, Math.Min(end, _baseLength)))
                missing.AddRange(_written.Gaps(s, e));
            return missing;
        }
    }

    /// <summary>Bytes of the base version, fetched: kept where nothing was written since (written bytes win).</summary>
    public void FillBase(long offset, ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            var end = Math.Min(offset + data.Length, _baseLength);
            foreach (var (s, e) in _written.Gaps(offset, end))
            {
                var piece = data.Slice((int)(s - offset), (int)(e - s));
                if (_file is not null) _file.Write(s, piece);
                else piece.CopyTo(_memory.AsSpan((int)s));
            }
            _fetched.Add(offset, end);
        }
    }

    /// <summary>Reads what is local; the caller has filled the base ranges <see cref="MissingBase"/> named. Holes read as zeros.</summary>
    /// <summary>
    /// Reads what is local at <paramref name="offset"/>; false when the content was discarded meanwhile (a newer
    /// version replaced it): the caller reads the node again rather than serve zeros.
    /// </summary>
    public bool TryRead(long offset, Span<byte> buffer, out int count)
    {
        lock (_lock)
        {
            count = 0;
            if (_discarded) return false;
            if (offset >= _size) return true;
            count = (int)Math.Min(buffer.Length, _size - offset);
            if (_memory is not null) _memory.AsSpan((int)offset, count).CopyTo(buffer);
            else if (_file is not null) _file.Read(offset, buffer[..count]);
            else buffer[..count].Clear(); // never written nor fetched: a hole
            return true;
        }
    }

    /// <summary>A stream over [start, start+length) of the local bytes, for an upload (reads as it goes, outside the lock).</summary>
    public Stream OpenRead(long start, long length)
    {
        lock (_lock)
        {
            if (_file is not null) return _file.OpenRead(start, length);
            var bytes = new byte[length];
            _memory?.AsSpan((int)start, (int)Math.Min(length, Math.Max(0, _memory.Length - start))).CopyTo(bytes);
            return new MemoryStream(bytes, writable: false);
        }
    }

    /// <summary>Every byte of the file is here (none left to fetch from the base).</summary>
    public bool IsWhole
    {
        get { lock (_lock) return MissingBaseLocked(0, _size) == 0; }
    }

    private long MissingBaseLocked(long start, long end)
    {
        long total = 0;
        foreach (var (s, e) in _fetched.Gaps(start, Math.Min(end, _baseLength)))
            foreach (var (gs, ge) in _written.Gaps(s, e)) total += ge - gs;
        return total;
    }

    /// <summary>The whole file as one array (small files: the upload's body and the cache of what was stored).</summary>
    public byte[] ToArray()
    {
        lock (_lock)
        {
            var bytes = new byte[_size];
            if (_memory is not null) _memory.AsSpan(0, (int)_size).CopyTo(bytes);
            else _file?.Read(0, bytes);
            return bytes;
        }
    }

    private void EnsureCapacity(long size)
    {
        if (_discarded) throw new ObjectDisposedException(nameof(FileContent));
        if (_file is not null) return;
        var current = _memory?.Length ?? 0;
        if (size <= current) return;
        if (size <= MemoryLimit)
        {
            var grown = (int)Math.Min(MemoryLimit, Math.Max(size, current * 2L));
            if (Interlocked.Add(ref s_memoryInUse, grown - current) <= MemoryBudget)
            {
                var bytes = new byte[grown];
                _memory?.CopyTo(bytes, 0);
                _memory = bytes;
                return;
            }
            Interlocked.Add(ref s_memoryInUse, current - grown);
        }
        // Too big for memory, or the mount's budget is spent: a staging file from now on.
        var file = _staging.Create();
        if (_memory is not null)
        {
            file.Write(0, _memory.AsSpan(0, (int)Math.Min(_memory.Length, _size)));
            Interlocked.Add(ref s_memoryInUse, -_memory.Length);
            _memory = null;
        }
        file.SetLength(_size);
        _file = file;
    }

    /// <summary>The content is no longer needed: its memory goes back to the budget, its staging file is deleted.</summary>
    public void Discard()
    {
        StagingFile? file;
        lock (_lock)
        {
            if (_discarded) return;
            _discarded = true;
            if (_memory is not null) Interlocked.Add(ref s_memoryInUse, -_memory.Length);
            _memory = null;
            file = _file;
            _file = null;
        }
        file?.Dispose();
    }
}
