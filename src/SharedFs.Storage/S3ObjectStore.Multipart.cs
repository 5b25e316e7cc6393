using Amazon.S3;
using Amazon.S3.Model;

namespace SharedFs.Storage;

/// <summary>The multipart-upload steps shared by upload, copy and compose, each retried on its own.</summary>
public sealed partial class S3ObjectStore
{
    private async Task<string> StartMultipartAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        return await _retry.ExecuteAsync("CreateMultipartUpload", Target(key), async token =>
        {
            var request = new InitiateMultipartUploadRequest { BucketName = Bucket, Key = key };
            if (options.ContentType is not null) request.ContentType = options.ContentType;
            ObjectMetadata.Write(request.Metadata, options.Metadata);
            var response = await _client.InitiateMultipartUploadAsync(request, token).ConfigureAwait(false);
            return response.UploadId;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PartETag> UploadPartAsync(string key, string uploadId, int partNumber, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        return await _retry.ExecuteAsync("UploadPart", Target(key), async token =>
        {
            using var body = new MemoryStream(buffer, 0, length, writable: false);
            var response = await _client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = Bucket, Key = key, UploadId = uploadId, PartNumber = partNumber, PartSize = length, InputStream = body,
            }, token).ConfigureAwait(false);
            return new PartETag(partNumber, response.ETag);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PartETag> CopyPartAsync(string key, string uploadId, int partNumber, string sourceKey, long offset, long length, CancellationToken cancellationToken)
    {
        try
        {
            return await CopyPartOnceAsync(key, uploadId, partNumber, sourceKey, offset, length, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.Kind == StorageErrorKind.NotImplemented)
        {
            _serverCopyUnsupported = true;
            throw;
        }
    }

    private async Task<PartETag> CopyPartOnceAsync(string key, string uploadId, int partNumber, string sourceKey, long offset, long length, CancellationToken cancellationToken)
    {
        return await _retry.ExecuteAsync("UploadPartCopy", Target(key), async token =>
        {
            var response = await _client.CopyPartAsync(new CopyPartRequest
            {
                SourceBucket = Bucket, SourceKey = sourceKey, DestinationBucket = Bucket, DestinationKey = key,
                UploadId = uploadId, PartNumber = partNumber, FirstByte = offset, LastByte = offset + length - 1,
            }, token).ConfigureAwait(false);
            return new PartETag(partNumber, response.ETag);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ObjectInfo> CompleteMultipartAsync(string key, string uploadId, IEnumerable<PartETag> parts, long size, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        var sorted = parts.OrderBy(part => part.PartNumber).ToList();
        var attempted = false;
        return await _retry.ExecuteAsync("CompleteMultipartUpload", Target(key), async token =>
        {
            try
            {
                var response = await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = Bucket, Key = key, UploadId = uploadId, PartETags = sorted,
                }, token).ConfigureAwait(false);
                if (string.IsNullOrEmpty(response.ETag) && await HeadAsync(key, token).ConfigureAwait(false) is { } stored)
                    return stored; // Ceph 16 sends the ETag in a form the SDK does not read: ask for it
                return new ObjectInfo(key, size, DateTimeOffset.UtcNow, response.ETag, options.ContentType, ObjectMetadata.Copy(options.Metadata));
            }
            catch (AmazonS3Exception e) when (attempted && e.ErrorCode == "NoSuchUpload")
            {
                // An earlier attempt completed it but its answer was lost: the object is there.
                if (await HeadAsync(key, token).ConfigureAwait(false) is { } info && info.Size == size)
                    return info;
                throw;
            }
            finally
            {
                attempted = true;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Best effort, even when the caller cancelled: otherwise the parts stay stored (and billed) on the server.</summary>
    private async Task AbortMultipartAsync(string key, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.RequestTimeout);
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The original failure matters more; a lifecycle rule on the bucket cleans up what is left.
        }
    }

    /// <summary>Parts of at least <paramref name="preferred"/> bytes, grown so that no object needs more than 10 000.</summary>
    internal static long PartSizeFor(long total, long preferred) =>
        Math.Max(preferred, (total + MaxPartCount - 1) / MaxPartCount);
}
