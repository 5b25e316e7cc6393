using System.Buffers;

namespace SharedFs.Storage;

public sealed partial class S3ObjectStore
{
    /// <summary>
    /// Ranged GETs of PartSize: the first one also tells the size and metadata; the others run Parallelism at a
    /// time (If-Match the first ETag, so a concurrent overwrite fails instead of mixing versions) and are written
    /// in order. Memory: at most Parallelism part buffers. A cut part is fetched again, never half-written.
    /// </summary>
    public async Task<ObjectInfo> DownloadAsync(string key, Stream destination, long offset = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var partSize = (int)_options.PartSize;
        var firstBuffer = ArrayPool<byte>.Shared.Rent(partSize);
        ObjectInfo info;
        try
        {
            var (info1, firstLength) = await _retry.ExecuteAsync("GET", Target(key), async token =>
            {
                using var response = await GetRangeAsync(key, offset, partSize, etag: null, token).ConfigureAwait(false);
                if (response is null) return ((ObjectInfo?)null, 0);
                var read = await ReadBodyAsync(response, firstBuffer.AsMemory(0, partSize), token).ConfigureAwait(false);
                return (InfoOf(key, response, TotalSize(response)), read);
            }, cancellationToken).ConfigureAwait(false);

            if (info1 is null)
            {
                // 416: the offset is at or past the end (or the object is empty); HEAD says which object it is.
                return await HeadAsync(key, cancellationToken).ConfigureAwait(false)
                    ?? throw new StorageException(StorageErrorKind.NotFound, $"S3 GET {Target(key)}: NotFound");
            }
            info = info1;
            await destination.WriteAsync(firstBuffer.AsMemory(0, firstLength), cancellationToken).ConfigureAwait(false);
            offset += firstLength;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(firstBuffer);
        }

        if (offset < info.Size)
            await DownloadRestAsync(key, destination, offset, info, cancellationToken).ConfigureAwait(false);
        return info;
    }

    private async Task DownloadRestAsync(string key, Stream destination, long offset, ObjectInfo info, CancellationToken cancellationToken)
    {
        var partSize = _options.PartSize;
        var pending = new Queue<Task<(byte[] Buffer, int Length)>>();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = offset;

        void StartNext()
        {
            var start = next;
            var length = (int)Math.Min(partSize, info.Size - start);
            next += length;
            pending.Enqueue(Task.Run(() => FetchPartAsync(key, start, length, info.ETag, cancel.Token), CancellationToken.None));
        }

        try
        {
            while (pending.Count < _options.Parallelism && next < info.Size) StartNext();
            while (pending.Count > 0)
            {
                var (buffer, length) = await pending.Dequeue().ConfigureAwait(false);
                try
                {
                    await destination.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                if (next < info.Size) StartNext();
            }
        }
        catch
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            foreach (var task in pending)
            {
                // The first failure is the one reported: the others only give their buffers back.
                await ((Task)task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (task.IsCompletedSuccessfully) ArrayPool<byte>.Shared.Return(task.Result.Buffer);
            }
            throw;
        }
    }

    private async Task<(byte[] Buffer, int Length)> FetchPartAsync(string key, long start, int length, string? etag, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = await _retry.ExecuteAsync("GET", Target(key), async token =>
            {
                using var response = await GetRangeAsync(key, start, length, etag, token).ConfigureAwait(false)
                    ?? throw new StorageException(StorageErrorKind.PreconditionFailed, $"S3 GET {Target(key)}: the object shrank during the download");
                return await ReadBodyAsync(response, buffer.AsMemory(0, length), token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            if (read != length)
                throw new StorageException(StorageErrorKind.PreconditionFailed, $"S3 GET {Target(key)}: the object changed during the download");
            return (buffer, read);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
