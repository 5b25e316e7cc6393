using System.Globalization;
using System.Net;
using SharedFs.Storage.Http;

namespace SharedFs.Storage;

/// <summary>The multipart-upload steps shared by upload, copy and compose, each retried on its own.</summary>
public sealed partial class S3ObjectStore
{
    private async Task<string> StartMultipartAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        return await _retry.ExecuteAsync("CreateMultipartUpload", Target(key), async token =>
        {
            var request = new S3Request(HttpMethod.Post, key).With("uploads").Metadata(options.Metadata);
            if (options.ContentType is not null) request.Header("content-type", options.ContentType);
            var (body, response) = await _s3.SendForTextAsync(request, token).ConfigureAwait(false);
            using (response)
            {
                return S3Xml.Child(S3Xml.ParseResult(body, response.StatusCode), "UploadId")
                    ?? throw new S3ServiceException(HttpStatusCode.BadGateway, null, "the answer has no UploadId");
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private static S3Request PartRequest(HttpMethod method, string key, string uploadId, int partNumber) =>
        new S3Request(method, key).With("partNumber", partNumber.ToString(CultureInfo.InvariantCulture)).With("uploadId", uploadId);

    private async Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        return await _retry.ExecuteAsync("UploadPart", Target(key), async token =>
        {
            var request = PartRequest(HttpMethod.Put, key, uploadId, partNumber).Body(new ByteArrayContent(buffer, 0, length), length);
            using var response = await _s3.SendAsync(request, token).ConfigureAwait(false);
            return new UploadedPart(partNumber, ETagOf(response) ?? throw new S3ServiceException(HttpStatusCode.BadGateway, null, "the part's answer has no ETag"));
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<UploadedPart> CopyPartAsync(string key, string uploadId, int partNumber, string sourceKey, long offset, long length, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync("UploadPartCopy", Target(key), async token =>
            {
                var request = PartRequest(HttpMethod.Put, key, uploadId, partNumber)
                    .Header("x-amz-copy-source", CopySource(sourceKey))
                    .Header("x-amz-copy-source-range", $"bytes={offset.ToString(CultureInfo.InvariantCulture)}-{(offset + length - 1).ToString(CultureInfo.InvariantCulture)}");
                var (body, response) = await _s3.SendForTextAsync(request, token).ConfigureAwait(false);
                using (response)
                {
                    var etag = S3Xml.Child(S3Xml.ParseResult(body, response.StatusCode), "ETag")
                        ?? throw new S3ServiceException(HttpStatusCode.BadGateway, null, "the copied part's answer has no ETag");
                    return new UploadedPart(partNumber, etag);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.Kind == StorageErrorKind.NotImplemented)
        {
            _serverCopyUnsupported = true;
            throw;
        }
    }

    /// <summary>"bucket/key" URL-encoded, as x-amz-copy-source wants it.</summary>
    private string CopySource(string sourceKey) => S3Transport.EncodePath($"{Bucket}/{sourceKey}");

    private async Task<ObjectInfo> CompleteMultipartAsync(string key, string uploadId, IEnumerable<UploadedPart> parts, long size, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        var document = S3Xml.CompleteMultipart(parts);
        var attempted = false;
        return await _retry.ExecuteAsync("CompleteMultipartUpload", Target(key), async token =>
        {
            try
            {
                var request = new S3Request(HttpMethod.Post, key).With("uploadId", uploadId).SignedBody(document, "application/xml");
                var (body, response) = await _s3.SendForTextAsync(request, token).ConfigureAwait(false);
                using (response)
                {
                    var etag = S3Xml.Child(S3Xml.ParseResult(body, response.StatusCode), "ETag");
                    if (string.IsNullOrEmpty(etag) && await HeadAsync(key, token).ConfigureAwait(false) is { } stored)
                        return stored; // a server that leaves the ETag out: ask for it
                    return new ObjectInfo(key, size, DateTimeOffset.UtcNow, etag, options.ContentType, ObjectMetadata.Copy(options.Metadata));
                }
            }
            catch (S3ServiceException e) when (attempted && e.Code == "NoSuchUpload")
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

    /// <summary>
    /// Retried like any request and never cancelled by the caller, since otherwise the parts stay stored (and
    /// billed) on the server; a failure in the end is swallowed: the original failure matters more, and a
    /// lifecycle rule on the bucket cleans up what is left.
    /// </summary>
    /// <summary>
    /// Drops an unfinished upload (retried like any request, never cancelled). It runs while another failure is
    /// being reported, so its own failure is logged rather than thrown: the parts then stay, invisible, until a
    /// bucket lifecycle rule (AbortIncompleteMultipartUpload) removes them.
    /// </summary>
    private async Task AbortMultipartAsync(string key, string uploadId)
    {
        try
        {
            await _retry.ExecuteAsync("AbortMultipartUpload", Target(key), async token =>
            {
                using var _ = await _s3.SendAsync(new S3Request(HttpMethod.Delete, key).With("uploadId", uploadId), token, HttpStatusCode.NotFound).ConfigureAwait(false);
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            StorageLog.Warn($"could not abort the unfinished upload {uploadId} of {Target(key)} (its parts stay until a lifecycle rule removes them): {e.Message}");
        }
    }

    /// <summary>Parts of at least <paramref name="preferred"/> bytes, grown so that no object needs more than 10 000.</summary>
    internal static long PartSizeFor(long total, long preferred) =>
        Math.Max(preferred, (total + MaxPartCount - 1) / MaxPartCount);
}
