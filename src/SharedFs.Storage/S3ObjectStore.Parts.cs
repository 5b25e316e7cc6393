namespace SharedFs.Storage;

/// <summary>
/// A multipart upload driven by the caller, part by part, as its data comes (a big file uploaded while it is
/// still being written). Each step is retried on its own; the caller completes or aborts.
/// </summary>
public sealed partial class S3ObjectStore
{
    public Task<string> StartPartsAsync(string key, ObjectWriteOptions options, CancellationToken cancellationToken = default) =>
        StartMultipartAsync(key, options, cancellationToken);

    public async Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream content, long length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek) throw new ArgumentException("the part's stream must be seekable (retries rewind it)", nameof(content));
        var start = content.Position;
        return await _retry.ExecuteAsync("UploadPart", Target(key), async token =>
        {
            var request = PartRequest(HttpMethod.Put, key, uploadId, partNumber)
                .Body(new StreamContent(new BoundedReadStream(content, start, length), BodyCopyBufferSize), length);
            using var response = await _s3.SendAsync(request, token).ConfigureAwait(false);
            return new UploadedPart(partNumber, ETagOf(response)
                ?? throw new Http.S3ServiceException(System.Net.HttpStatusCode.BadGateway, null, "the part's answer has no ETag"));
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<ObjectInfo> CompletePartsAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, long size, ObjectWriteOptions options,
        CancellationToken cancellationToken = default) =>
        CompleteMultipartAsync(key, uploadId, parts, size, options, cancellationToken);

    public Task AbortPartsAsync(string key, string uploadId) => AbortMultipartAsync(key, uploadId);
}
