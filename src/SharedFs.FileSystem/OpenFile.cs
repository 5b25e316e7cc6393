using SharedFs.Fuse;
using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>
/// The state of one open path, shared by all its handles. Until the first write it is only a description of
/// the stored object (reads go through <see cref="ReadAhead"/>). From the first write or truncate it owns a
/// sparse staging file plus two range maps: what was written since the last upload, and what was fetched
/// from the stored object. Untouched ranges stay in the bucket; an upload copies them on the server.
/// All content operations take the per-file lock (never a global one).
/// </summary>
internal sealed class OpenFile(string path, NodeInfo node, bool existsInStore) : IDisposable
{
    /// <summary>Below this size an upload sends the whole file instead of composing it.</summary>
    public const long WholeUploadThreshold = 8L << 20;
    /// <summary>Up to this size an upload sends a copy taken under the lock, so writers never wait for the network.</summary>
    public const long SnapshotUploadLimit = 1L << 20;
    private const int FetchBufferSize = 4 << 20;

    private readonly Lock _lock = new();
    private readonly RangeSet _written = new();
    private readonly RangeSet _fetched = new();
    private StagingFile? _staging;
    private long _size = node.Size;
    /// <summary>The prefix of the stored object that is still part of the file (0 for a new file).</summary>
    private long _copyable = existsInStore ? node.Size : 0;
    private bool _dirty = !existsInStore;
    // Bumped by every change of content or metadata: an upload of a snapshot only cleans the file when no
    // change happened while it was on the wire.
    private long _generation;
    private int _uploadScheduled;
    private SequentialUpload? _sequential;

    public string Path { get; private set; } = path;
    public NodeInfo Node { get; private set; } = node;
    /// <summary>Open handles; the file leaves the table when the last one is released (and nothing is pending).</summary>
    public int OpenCount { get; set; }
    /// <summary>Unlinked while open: keeps serving its handles, never uploaded again.</summary>
    public bool Unlinked { get; set; }
    public bool IsDirty => Volatile.Read(ref _dirty) && !Unlinked;
    public bool HasStaging => Volatile.Read(ref _staging) is not null;
    public long Size => Interlocked.Read(ref _size);
    public string Key => ObjectKeys.FileKey(Path);

    /// <summary>The attributes as they are now (size of the unsaved content included).</summary>
    public NodeInfo Current => Node with { Size = Size };

    public void MoveTo(string newPath)
    {
        lock (_lock)
        {
            Path = newPath;
            AbandonSequential(); // its parts belong to the old key
        }
    }

    /// <summary>A metadata change: an upload already on the wire does not carry it, so it counts as a change.</summary>
    public void UpdateNode(Func<NodeInfo, NodeInfo> change)
    {
        lock (_lock)
        {
            Node = change(Node);
            _generation++;
        }
    }

    /// <summary>Claims the right to queue the next background upload (false when one is queued already).</summary>
    public bool TryMarkUploadScheduled() => Interlocked.Exchange(ref _uploadScheduled, 1) == 0;

    /// <summary>The queued upload starts: a change from now on needs another one.</summary>
    public void ClearUploadScheduled() => Volatile.Write(ref _uploadScheduled, 0);

    /// <summary>The stored object changed elsewhere and nothing is dirty here: forget what was fetched.</summary>
    public bool TryRefresh(NodeInfo stored)
    {
        lock (_lock)
        {
            if (_dirty || _staging is not null && !_written.IsEmpty) return false;
            if (stored.ETag == Node.ETag && stored.Size == Node.Size) return true;
            _staging?.Dispose();
            _staging = null;
            _fetched.Clear();
            Node = stored;
            _size = stored.Size;
            _copyable = stored.Size;
            return true;
        }
    }

    public void Write(StagingArea staging, IObjectStore store, long offset, ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            var file = EnsureStaging(staging);
            file.Write(offset, data);
            _written.Add(offset, offset + data.Length);
            StreamParts(store, file, offset);
            if (offset + data.Length > _size) Interlocked.Exchange(ref _size, offset + data.Length);
            var now = Now();
            Node = Node with { ModifyTime = now, ChangeTime = now };
            _generation++;
            Volatile.Write(ref _dirty, true);
        }
    }

    public void Truncate(StagingArea staging, long length)
    {
        lock (_lock)
        {
            var file = EnsureStaging(staging);
            if (_sequential is { } sequential && length < sequential.SentEnd) AbandonSequential();
            if (length < _size)
            {
                _written.TruncateTo(length);
                _fetched.TruncateTo(length);
                _copyable = Math.Min(_copyable, length);
            }
            // Shrinking drops stale bytes; growing leaves a hole that reads as zeros.
            file.SetLength(length);
            Interlocked.Exchange(ref _size, length);
            var now = Now();
            Node = Node with { ModifyTime = now, ChangeTime = now };
            _generation++;
            Volatile.Write(ref _dirty, true);
        }
    }

    /// <summary>Reads from the staging file, fetching from the stored object the ranges not yet local.</summary>
    public int ReadStaged(IObjectStore store, Span<byte> buffer, long offset)
    {
        lock (_lock)
        {
            if (_staging is null) throw new InvalidOperationException("not staged");
            if (offset >= _size) return 0;
            var count = (int)Math.Min(buffer.Length, _size - offset);
            // Fetch in aligned megabytes so that small reads do not become many small GETs.
            var alignedStart = offset / ReadAhead.ChunkSize * ReadAhead.ChunkSize;
            var alignedEnd = Math.Min(_copyable, (offset + count + ReadAhead.ChunkSize - 1) / ReadAhead.ChunkSize * ReadAhead.ChunkSize);
            EnsureLocal(store, alignedStart, alignedEnd);
            _staging.Read(offset, buffer[..count]);
            return count;
        }
    }

    /// <summary>
    /// Uploads the content and metadata when dirty. On failure the data stays staged and dirty for a retry.
    /// Returns the stored object's info, or null when there was nothing to do. A small file is copied under the
    /// lock and sent without it; a bigger one is sent (or composed) under the lock.
    /// </summary>
    public ObjectInfo? Upload(IObjectStore store, StagingArea staging)
    {
        byte[] snapshot;
        long generation;
        string key;
        ObjectWriteOptions options;
        lock (_lock)
        {
            if (!_dirty || Unlinked) return null;
            if (_size > SnapshotUploadLimit) return UploadLocked(store, staging);
            key = Key;
            generation = _generation;
            options = MetadataCodec.WriteOptions(Node with { Size = _size });
            snapshot = new byte[_size];
            if (_size > 0)
            {
                var file = EnsureStaging(staging);
                EnsureLocal(store, 0, Math.Min(_size, _copyable));
                file.Read(0, snapshot);
            }
        }
        var result = store.UploadAsync(key, new MemoryStream(snapshot, false), snapshot.Length, options).GetAwaiter().GetResult();
        lock (_lock)
        {
            Committed(result, generation, snapshot.Length);
            return result;
        }
    }

    private ObjectInfo UploadLocked(IObjectStore store, StagingArea staging)
    {
        var key = Key;
        var options = MetadataCodec.WriteOptions(Node with { Size = _size });
        ObjectInfo result;
        if (_sequential is { } sequential)
        {
            _sequential = null;
            if (_copyable == 0 && _size >= sequential.SentEnd)
            {
                try
                {
                    result = sequential.Finish(_size, options);
                }
                catch
                {
                    sequential.Abandon(); // the retry uploads the file the ordinary way
                    throw;
                }
                Committed(result, _generation, _size);
                return result;
            }
            sequential.Abandon();
        }
        if (_size <= WholeUploadThreshold || _copyable == 0)
        {
            var file = EnsureStaging(staging);
            EnsureLocal(store, 0, Math.Min(_size, _copyable));
            using var content = file.OpenRead(0, _size);
            result = store.UploadAsync(key, content, _size, options).GetAwaiter().GetResult();
        }
        else
        {
            var file = EnsureStaging(staging);
            var segments = ComposePlan.Build(_size, _copyable, _written);
            var pieces = new List<ObjectPiece>(segments.Count);
            var streams = new List<Stream>();
            try
            {
                foreach (var segment in segments)
                {
                    if (segment.Local)
                    {
                        EnsureLocal(store, segment.Start, Math.Min(segment.End, _copyable));
                        var stream = file.OpenRead(segment.Start, segment.Length);
                        streams.Add(stream);
                        pieces.Add(new ObjectPiece.Local(stream, 0, segment.Length));
                    }
                    else
                    {
                        pieces.Add(new ObjectPiece.Copied(key, segment.Start, segment.Length));
                    }
                }
                result = store.ComposeAsync(key, pieces, options).GetAwaiter().GetResult();
            }
            finally
            {
                foreach (var stream in streams) stream.Dispose();
            }
        }
        Committed(result, _generation, _size);
        return result;
    }

    /// <summary>
    /// The bucket now holds the content as it was at <paramref name="generation"/>. Unchanged since: everything
    /// local is a faithful copy of it and the file is clean. Changed while on the wire: the changes stay recorded
    /// (and the file dirty); the ranges outside them still match the new object, so the copyable prefix holds.
    /// </summary>
    private void Committed(ObjectInfo result, long generation, long uploadedSize)
    {
        Node = Node with { ETag = result.ETag, Size = uploadedSize, ContentType = result.ContentType ?? Node.ContentType };
        if (generation != _generation) return;
        foreach (var (start, end) in _written.Ranges) _fetched.Add(start, end);
        _written.Clear();
        _copyable = _size;
        Volatile.Write(ref _dirty, false);
    }

    /// <summary>
    /// The stored object is about to go (unlink, or a rename over this path) while handles are open: copy what
    /// is still only in the bucket to the staging file, so the handles keep reading the old content (POSIX).
    /// </summary>
    public void KeepContentLocally(IObjectStore store, StagingArea staging)
    {
        lock (_lock)
        {
            if (_copyable == 0) return;
            EnsureStaging(staging);
            EnsureLocal(store, 0, Math.Min(_size, _copyable));
            _copyable = 0;
        }
    }

    /// <summary>Forces an upload at the next flush (the metadata changed while content is pending).</summary>
    public void MarkDirty()
    {
        lock (_lock)
        {
            _generation++;
            Volatile.Write(ref _dirty, true);
        }
    }

    private StagingFile EnsureStaging(StagingArea staging)
    {
        if (_staging is null)
        {
            var file = staging.Create();
            file.SetLength(_size);
            Volatile.Write(ref _staging, file);
        }
        return _staging!;
    }

    /// <summary>Makes [start, end) of the stored object local in the staging file (ranges written locally win).</summary>
    private void EnsureLocal(IObjectStore store, long start, long end)
    {
        if (end <= start || _staging is null) return;
        foreach (var (gapStart, gapEnd) in _fetched.Gaps(start, end))
        {
            foreach (var (s, e) in _written.Gaps(gapStart, gapEnd))
            {
                var buffer = new byte[(int)Math.Min(FetchBufferSize, e - s)];
                for (var position = s; position < e;)
                {
                    var wanted = (int)Math.Min(buffer.Length, e - position);
                    var n = store.ReadAsync(Key, position, buffer.AsMemory(0, wanted)).GetAwaiter().GetResult();
                    if (n <= 0) break; // the stored object is shorter than we thought: the rest reads as zeros
                    _staging.Write(position, buffer.AsSpan(0, n));
                    position += n;
                }
                _fetched.Add(s, e);
            }
        }
    }

    /// <summary>
    /// A new file written from its start: its whole parts go to the bucket as the prefix grows
    /// (<see cref="SequentialUpload"/>). A write before what was sent ends that.
    /// </summary>
    private void StreamParts(IObjectStore store, StagingFile file, long writeOffset)
    {
        if (_sequential is { } sent && (writeOffset < sent.SentEnd || Unlinked))
        {
            AbandonSequential();
            return;
        }
        if (_copyable != 0 || Unlinked || _written.IsEmpty || _written.Ranges[0].Start != 0) return;
        var prefix = _written.Ranges[0].End;
        if (_sequential is null)
        {
            if (prefix < SequentialUpload.StartSize) return;
            _sequential = new SequentialUpload(store, file, Key, MetadataCodec.WriteOptions(Node with { Size = _size }));
        }
        if (!_sequential.Advance(prefix)) AbandonSequential();
    }

    private void AbandonSequential()
    {
        _sequential?.Abandon();
        _sequential = null;
    }

    private static TimeSpec Now() => TimeSpec.FromDateTimeOffset(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        lock (_lock)
        {
            AbandonSequential();
            _staging?.Dispose();
            _staging = null;
        }
    }
}
