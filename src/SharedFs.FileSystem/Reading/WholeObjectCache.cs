using SharedFs.Storage;

namespace SharedFs.FileSystem.Reading;

/// <summary>
/// A local copy of a whole object, downloaded in the background into a staging file (parallel ranged GETs, in
/// order) for a handle that reads it at random: each random read would otherwise wait for a GET of its own.
/// Reads inside the part already downloaded are served from the copy; the others keep going to the bucket.
/// The copy is dropped when the object turns out to have changed, when the disk is full, and with the handle.
/// </summary>
internal sealed class WholeObjectCache : IDisposable
{
    private readonly StagingFile _file;
    private readonly CancellationTokenSource _cancel = new();
    private long _downloaded;
    private volatile bool _usable = true;

    public WholeObjectCache(IObjectStore store, StagingArea staging, string key, string? etag)
    {
        _file = staging.Create();
        Completion = Task.Run(async () =>
        {
            try
            {
                await using var sink = new ProgressStream(_file, bytes => Interlocked.Add(ref _downloaded, bytes));
                var info = await store.DownloadAsync(key, sink, 0, _cancel.Token).ConfigureAwait(false);
                if (etag is not null && info.ETag != etag) _usable = false; // another version now: not ours to serve
            }
            catch (Exception e) when (e is IOException or StorageException or OperationCanceledException)
            {
                _usable = false; // full disk, cancelled, bucket errors: the reads go to the bucket as before
                if (e is not OperationCanceledException) FsLog.Warn($"local copy of {key} for random reads stopped: {e.Message}");
            }
        });
    }

    /// <summary>Completes when the download has ended (well or not).</summary>
    public Task Completion { get; }

    /// <summary>Serves the read from the copy when all of it is downloaded already.</summary>
    public bool TryRead(Span<byte> buffer, long offset)
    {
        if (!_usable || offset + buffer.Length > Interlocked.Read(ref _downloaded)) return false;
        _file.Read(offset, buffer);
        return _usable;
    }

    public void Dispose()
    {
        _usable = false;
        _cancel.Cancel();
        Completion.ContinueWith(_ => _file.Dispose(), TaskScheduler.Default);
    }

    /// <summary>Appends what the download writes, in order, to the staging file, counting it.</summary>
    private sealed class ProgressStream(StagingFile file, Action<long> written) : Stream
    {
        private long _position;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _position;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            file.Write(_position, buffer);
            _position += buffer.Length;
            written(buffer.Length);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
