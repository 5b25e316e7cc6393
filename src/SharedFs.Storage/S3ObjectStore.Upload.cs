using System.Buffers;
using System.Net;
using SharedFs.Storage.Http;

namespace SharedFs.Storage;

public sealed partial class S3ObjectStore
{
    /// <summary>Bytes handed to the socket per copy when a body streams from the caller's stream.</summary>
    private const int BodyCopyBufferSize = 256 * 1024;

    /// <summary>
    /// A single PUT streamed from the caller's stream below MultipartThreshold; above it, a multipart upload
    /// reading one part at a time into a pooled buffer with Parallelism parts in flight (memory: Parallelism ×
    /// PartSize), aborted when anything fails.
    /// </summary>
    public async Task<ObjectInfo> UploadAsync(string key, Stream content, long length, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!content.CanSeek) throw new ArgumentException("the content stream must be seekable (retries rewind it)", nameof(content));
        var start = content.Position;
        if (length < _options.MultipartThreshold)
            return await PutSingleAsync(key, new BoundedReadStream(content, start, length), options, cancellationToken).ConfigureAwait(false);
        return await UploadMultipartAsync(key, content, start, length, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One PUT of a seekable body, rewound for every attempt.</summary>
    private async Task<ObjectInfo> PutSingleAsync(string key, Stream body, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        var length = body.Length;
        return await _retry.ExecuteAsync("PUT", Target(key), async token =>
        {
            body.Position = 0;
            var request = new S3Request(HttpMethod.Put, key)
                .Body(new StreamContent(new BoundedReadStream(body, 0, length), BodyCopyBufferSize), length, options.ContentType)
                .Metadata(options.Metadata);
            using var response = await _s3.SendAsync(request, token).ConfigureAwait(false);
            return new ObjectInfo(key, length, DateTimeOffset.UtcNow, ETagOf(response), options.ContentType, ObjectMetadata.Copy(options.Metadata));
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ObjectInfo> UploadMultipartAsync(string key, Stream content, long start, long length, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        var partSize = PartSizeFor(length, _options.PartSize);
        if (partSize > MaxBufferedPartSize)
            throw new StorageException(StorageErrorKind.Other, $"S3 PUT {Target(key)}: {length} bytes need parts larger than 1 GiB");
        var uploadId = await StartMultipartAsync(key, options, cancellationToken).ConfigureAwait(false);
        var parts = new UploadedPart[(int)((length + partSize - 1) / partSize)];
        try
        {
            await using (var window = new TaskWindow(_options.Parallelism, cancellationToken))
            {
                for (var index = 0; index < parts.Length; index++)
                {
                    await window.WaitForSlotAsync().ConfigureAwait(false);
                    var partLength = (int)Math.Min(partSize, length - index * partSize);
                    var buffer = ArrayPool<byte>.Shared.Rent(partLength);
                    try
                    {
                        content.Position = start + index * partSize;
                        await content.ReadExactlyAsync(buffer.AsMemory(0, partLength), window.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        throw;
                    }
                    var partIndex = index;
                    window.Start(async token =>
                    {
                        try { parts[partIndex] = await UploadPartAsync(key, uploadId, partIndex + 1, buffer, partLength, token).ConfigureAwait(false); }
                        finally { ArrayPool<byte>.Shared.Return(buffer); }
                    });
                }
                await window.WhenAllAsync().ConfigureAwait(false);
            }
            return await CompleteMultipartAsync(key, uploadId, parts, length, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortMultipartAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
    }
}
