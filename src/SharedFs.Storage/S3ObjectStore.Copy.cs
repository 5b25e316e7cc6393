using SharedFs.Storage.Http;

namespace SharedFs.Storage;

public sealed partial class S3ObjectStore
{
    /// <summary>
    /// Server-side copy. HEAD first: it tells the size (a single COPY is limited to 5 GiB, so larger objects are
    /// copied part by part with UploadPartCopy) and the metadata the result keeps when none replaces it.
    /// </summary>
    public async Task<ObjectInfo> CopyAsync(string sourceKey, string destinationKey, ObjectWriteOptions? replaceMetadata = null, CancellationToken cancellationToken = default)
    {
        var source = await HeadAsync(sourceKey, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageException(StorageErrorKind.NotFound, $"S3 COPY {Target(sourceKey)}: NotFound (no such source)");
        var written = replaceMetadata ?? new ObjectWriteOptions(source.Metadata, source.ContentType);
        if (source.Size > 0 && source.Size >= Math.Min(_options.MultipartCopyThreshold, MaxPartSize))
            return await CopyMultipartAsync(source, destinationKey, written, cancellationToken).ConfigureAwait(false);

        return await _retry.ExecuteAsync("COPY", Target(destinationKey), async token =>
        {
            var request = new S3Request(HttpMethod.Put, destinationKey)
                .Header("x-amz-copy-source", CopySource(sourceKey))
                .Header("x-amz-metadata-directive", replaceMetadata is null ? "COPY" : "REPLACE");
            string? contentType = source.ContentType;
            if (replaceMetadata is not null)
            {
                // REPLACE drops the content type too unless it is sent again.
                contentType = replaceMetadata.ContentType ?? source.ContentType;
                if (contentType is not null) request.Header("content-type", contentType);
                request.Metadata(replaceMetadata.Metadata);
            }
            var (body, response) = await _s3.SendForTextAsync(request, token).ConfigureAwait(false);
            using (response)
            {
                var result = S3Xml.ParseResult(body, response.StatusCode);
                return new ObjectInfo(destinationKey, source.Size, S3Xml.Date(S3Xml.Child(result, "LastModified")), S3Xml.Child(result, "ETag"),
                    contentType, ObjectMetadata.Copy(written.Metadata));
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ObjectInfo> CopyMultipartAsync(ObjectInfo source, string destinationKey, ObjectWriteOptions written, CancellationToken cancellationToken)
    {
        var partSize = Math.Min(PartSizeFor(source.Size, _options.CopyPartSize), MaxPartSize);
        var uploadId = await StartMultipartAsync(destinationKey, written, cancellationToken).ConfigureAwait(false);
        var parts = new UploadedPart[(int)((source.Size + partSize - 1) / partSize)];
        try
        {
            await using (var window = new TaskWindow(_options.Parallelism, cancellationToken))
            {
                for (var index = 0; index < parts.Length; index++)
                {
                    await window.WaitForSlotAsync().ConfigureAwait(false);
                    var partIndex = index;
                    var offset = index * partSize;
                    var length = Math.Min(partSize, source.Size - offset);
                    window.Start(async token =>
                        parts[partIndex] = await CopyPartAsync(destinationKey, uploadId, partIndex + 1, source.Key, offset, length, token).ConfigureAwait(false));
                }
                await window.WhenAllAsync().ConfigureAwait(false);
            }
            return await CompleteMultipartAsync(destinationKey, uploadId, parts, source.Size, written, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortMultipartAsync(destinationKey, uploadId).ConfigureAwait(false);
            throw;
        }
    }
}
