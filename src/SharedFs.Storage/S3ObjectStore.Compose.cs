using System.Buffers;

namespace SharedFs.Storage;

public sealed partial class S3ObjectStore
{
    /// <summary>Set once the server answered NotImplemented to UploadPartCopy: compose then fetches copied ranges.</summary>
    private volatile bool _serverCopyUnsupported;

    /// <summary>
    /// Multipart upload whose parts are UploadPartCopy of big copied ranges and locally assembled bytes
    /// (<see cref="ComposePlanner"/>). Without any server-side copy below MultipartThreshold, one PUT.
    /// When the server lacks UploadPartCopy, the upload is aborted and redone with every range fetched.
    /// </summary>
    public async Task<ObjectInfo> ComposeAsync(string key, IReadOnlyList<ObjectPiece> pieces, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        ArgumentNullException.ThrowIfNull(options);
        if (pieces.Any(piece => piece.Length < 0 || piece is ObjectPiece.Copied { Offset: < 0 } or ObjectPiece.Local { Offset: < 0 }))
            throw new ArgumentException("piece offsets and lengths must not be negative", nameof(pieces));
        if (!_serverCopyUnsupported)
        {
            try
            {
                return await ComposeOnceAsync(key, pieces, options, serverCopy: true, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageException e) when (e.Kind == StorageErrorKind.NotImplemented && _serverCopyUnsupported)
            {
                // CopyPartAsync saw the server refuse UploadPartCopy (and remembered it): redo without it.
            }
        }
        return await ComposeOnceAsync(key, pieces, options, serverCopy: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ObjectInfo> ComposeOnceAsync(string key, IReadOnlyList<ObjectPiece> pieces, ObjectWriteOptions options, bool serverCopy, CancellationToken cancellationToken)
    {
        var total = pieces.Sum(piece => piece.Length);
        var copyPartSize = Math.Clamp(_options.CopyPartSize, 2 * MinPartSize, MaxPartSize);
        var plan = ComposePlanner.Plan(pieces, PartSizeFor(total, _options.PartSize), MinPartSize, copyPartSize, serverCopy);
        if (plan.Count > MaxPartCount)
            throw new StorageException(StorageErrorKind.Other, $"S3 compose {Target(key)}: {plan.Count} parts, more than S3's {MaxPartCount}");
        if (!plan.Any(part => part is PlannedPart.Copy) && total < _options.MultipartThreshold)
            return await ComposeInOnePutAsync(key, pieces, total, options, cancellationToken).ConfigureAwait(false);

        var uploadId = await StartMultipartAsync(key, options, cancellationToken).ConfigureAwait(false);
        var etags = new UploadedPart[plan.Count];
        try
        {
            await using (var window = new TaskWindow(_options.Parallelism, cancellationToken))
            {
                for (var index = 0; index < plan.Count; index++)
                {
                    await window.WaitForSlotAsync().ConfigureAwait(false);
                    var partNumber = index + 1;
                    var partIndex = index;
                    switch (plan[index])
                    {
                        case PlannedPart.Copy copy:
                            window.Start(async token => etags[partIndex] =
                                await CopyPartAsync(key, uploadId, partNumber, copy.SourceKey, copy.Offset, copy.Length, token).ConfigureAwait(false));
                            break;
                        case PlannedPart.Assembled assembled:
                            var length = (int)assembled.Length;
                            var buffer = ArrayPool<byte>.Shared.Rent(length);
                            try
                            {
                                // Local streams are read here, one at a time; copied ranges are fetched in the part's task.
                                await ReadLocalSegmentsAsync(assembled.Segments, buffer, window.Token).ConfigureAwait(false);
                            }
                            catch
                            {
                                ArrayPool<byte>.Shared.Return(buffer);
                                throw;
                            }
                            window.Start(async token =>
                            {
                                try
                                {
                                    await FetchCopiedSegmentsAsync(assembled.Segments, buffer, token).ConfigureAwait(false);
                                    etags[partIndex] = await UploadPartAsync(key, uploadId, partNumber, buffer, length, token).ConfigureAwait(false);
                                }
                                finally
                                {
                                    ArrayPool<byte>.Shared.Return(buffer);
                                }
                            });
                            break;
                    }
                }
                await window.WhenAllAsync().ConfigureAwait(false);
            }
            return await CompleteMultipartAsync(key, uploadId, etags, total, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortMultipartAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Small results: everything gathered in memory (below MultipartThreshold), then one PUT.</summary>
    private async Task<ObjectInfo> ComposeInOnePutAsync(string key, IReadOnlyList<ObjectPiece> pieces, long total, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)total);
        try
        {
            await ReadLocalSegmentsAsync(pieces, buffer, cancellationToken).ConfigureAwait(false);
            await FetchCopiedSegmentsAsync(pieces, buffer, cancellationToken).ConfigureAwait(false);
            using var body = new MemoryStream(buffer, 0, (int)total, writable: false);
            return await PutSingleAsync(key, body, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task ReadLocalSegmentsAsync(IReadOnlyList<ObjectPiece> segments, byte[] buffer, CancellationToken cancellationToken)
    {
        long position = 0;
        foreach (var segment in segments)
        {
            if (segment is ObjectPiece.Local local && local.Length > 0)
            {
                local.Content.Position = local.Offset;
                await local.Content.ReadExactlyAsync(buffer.AsMemory((int)position, (int)local.Length), cancellationToken).ConfigureAwait(false);
            }
            position += segment.Length;
        }
    }

    private async Task FetchCopiedSegmentsAsync(IReadOnlyList<ObjectPiece> segments, byte[] buffer, CancellationToken cancellationToken)
    {
        long position = 0;
        foreach (var segment in segments)
        {
            if (segment is ObjectPiece.Copied copied && copied.Length > 0)
            {
                var read = await ReadAsync(copied.SourceKey, copied.Offset, buffer.AsMemory((int)position, (int)copied.Length), cancellationToken).ConfigureAwait(false);
                if (read != copied.Length)
                    throw new StorageException(StorageErrorKind.PreconditionFailed,
                        $"S3 compose: {Target(copied.SourceKey)} has no bytes [{copied.Offset}, {copied.Offset + copied.Length})");
            }
            position += segment.Length;
        }
    }
}
