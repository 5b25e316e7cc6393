using System.Globalization;
using System.Net;
using SharedFs.Storage.Http;

namespace SharedFs.Storage;

/// <summary>
/// <see cref="IObjectStore"/> on an S3-compatible server through the project's own SigV4 client
/// (<see cref="S3Transport"/>), path or virtual-host style. This file holds the set-up and the single-request
/// operations; the partial files next to it hold transfers (Download, Upload, Copy, Compose, Parts), deletion
/// and listing.
/// </summary>
public sealed partial class S3ObjectStore : IObjectStore, IDisposable
{
    /// <summary>S3's smallest part (all but the last part of a multipart upload).</summary>
    internal const long MinPartSize = 5L * 1024 * 1024;
    /// <summary>S3's largest part and largest single PUT/COPY.</summary>
    internal const long MaxPartSize = 5L * 1024 * 1024 * 1024;
    internal const int MaxPartCount = 10_000;
    /// <summary>Parts pass through one byte array each, so PartSize stays well below 2 GiB.</summary>
    internal const long MaxBufferedPartSize = 1L * 1024 * 1024 * 1024;

    private readonly S3StoreOptions _options;
    private readonly HttpClient _httpClient;
    private readonly S3Transport _s3;
    private readonly RetryPolicy _retry;

    public S3ObjectStore(S3StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PartSize < MinPartSize || options.PartSize > MaxBufferedPartSize)
            throw new ArgumentOutOfRangeException(nameof(options), $"PartSize must be between 5 MiB and 1 GiB (was {options.PartSize})");
        if (options.Parallelism < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "Parallelism must be at least 1");
        _options = options;
        var certificates = new CertificateRecorder(options.Endpoint);
        _httpClient = S3ClientFactory.CreateHttpClient(options, certificates);
        _s3 = new S3Transport(options, _httpClient, certificates, Meter);
        _retry = new RetryPolicy(options.MaxRetries, options.RequestTimeout, options.RetryBaseDelay, options.RetryMaxDelay, options.SecretAccessKey, Meter);
    }

    public string Bucket => _options.Bucket;

    /// <summary>Calls, failures, bytes and latencies of this store (status and summary lines).</summary>
    public RequestMeter Meter { get; } = new();

    public S3StoreOptions Options => _options;

    /// <summary>How many requests were retried since the store was created (diagnostics, tests).</summary>
    public long RetryCount => _retry.RetryCount;

    /// <summary>The longest a failing call can take before it throws (<see cref="RetryPolicy.WorstCase"/>).</summary>
    public TimeSpan WorstCaseFailureTime => _retry.WorstCase;

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        return await _retry.ExecuteAsync("HEAD", Target(key), async token =>
        {
            // HEAD has no body: a missing bucket looks like a missing key here (ProbeAsync tells them apart).
            using var response = await _s3.SendAsync(new S3Request(HttpMethod.Head, key), token, HttpStatusCode.NotFound).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.NotFound ? null : InfoOf(key, response, response.Content.Headers.ContentLength ?? 0);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ReadAsync(string key, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (buffer.IsEmpty) return 0;
        return await _retry.ExecuteAsync("GET", Target(key), async token =>
        {
            using var response = await GetRangeAsync(key, offset, buffer.Length, etag: null, token).ConfigureAwait(false);
            if (response is null) return 0;
            return await ReadBodyAsync(response, buffer, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<FirstBytes> ReadFirstBytesAsync(string key, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) throw new ArgumentException("the buffer must not be empty", nameof(buffer));
        return await _retry.ExecuteAsync("GET", Target(key), async token =>
        {
            using var response = await GetRangeAsync(key, 0, buffer.Length, etag: null, token, allowMissing: true).ConfigureAwait(false);
            if (response is null) return FirstBytes.Missing;
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return FirstBytes.Empty;
            var read = await ReadBodyAsync(response, buffer, token).ConfigureAwait(false);
            return new FirstBytes(true, InfoOf(key, response, TotalSize(response)), read);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await _retry.ExecuteAsync("DELETE", Target(key), async token =>
        {
            // S3 answers 204 for a missing key; some servers say NoSuchKey (404). Either way it is gone.
            using var _ = await _s3.SendAsync(new S3Request(HttpMethod.Delete, key), token, HttpStatusCode.NotFound).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks the endpoint, the credentials and the bucket with one cheap listing; throws the matching
    /// <see cref="StorageException"/> (NoSuchBucket, InvalidCredentials, Unavailable…) when something is wrong.
    /// </summary>
    public async Task ProbeAsync(CancellationToken cancellationToken = default)
    {
        await ListPageAsync("", "/", null, 1, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the bucket unless it exists already (for `make run` and first start against a fresh server).</summary>
    public async Task CreateBucketIfMissingAsync(CancellationToken cancellationToken = default)
    {
        await _retry.ExecuteAsync("PUT bucket", $"'{Bucket}'", async token =>
        {
            try
            {
                using var _ = await _s3.SendAsync(new S3Request(HttpMethod.Put), token).ConfigureAwait(false);
            }
            catch (S3ServiceException e) when (e.Code is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
            {
                // BucketAlreadyExists from Ceph means ours too when the listing below works: the probe tells.
            }
        }, cancellationToken).ConfigureAwait(false);
        await ProbeAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _httpClient.Dispose();

    /// <summary>
    /// A ranged GET of at most <paramref name="length"/> bytes from <paramref name="offset"/>; null when the
    /// offset is at or past the end (416). With an ETag, a changed object fails with PreconditionFailed.
    /// With <paramref name="allowMissing"/>, a missing key is null too and a 416 is returned as is.
    /// </summary>
    private async Task<HttpResponseMessage?> GetRangeAsync(string key, long offset, long length, string? etag, CancellationToken token, bool allowMissing = false)
    {
        var request = new S3Request(HttpMethod.Get, key)
            .Header("range", $"bytes={offset.ToString(CultureInfo.InvariantCulture)}-{(offset + length - 1).ToString(CultureInfo.InvariantCulture)}");
        if (etag is not null) request.Header("if-match", etag);
        var accepted = allowMissing
            ? new[] { HttpStatusCode.RequestedRangeNotSatisfiable, HttpStatusCode.NotFound }
            : [HttpStatusCode.RequestedRangeNotSatisfiable];
        var response = await _s3.SendAsync(request, token, accepted).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound || (!allowMissing && response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable))
        {
            response.Dispose();
            return null;
        }
        return response;
    }

    /// <summary>Reads the whole body (up to the buffer's size); a body shorter than announced is a cut connection.</summary>
    private static async Task<int> ReadBodyAsync(HttpResponseMessage response, Memory<byte> buffer, CancellationToken token)
    {
        var expected = Math.Min(response.Content.Headers.ContentLength ?? 0, buffer.Length);
        await using var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await body.ReadAsync(buffer[total..], token).ConfigureAwait(false);
            if (read == 0) break;
            total += read;
        }
        if (total < expected)
            throw new TruncatedBodyException(expected, total);
        return total;
    }

    /// <summary>Total object size from "Content-Range: bytes a-b/total" (or "bytes */total"), else the body's length.</summary>
    private static long TotalSize(HttpResponseMessage response)
    {
        var range = response.Content.Headers.ContentRange;
        if (range?.Length is { } total) return total;
        return response.Content.Headers.ContentLength ?? 0;
    }

    private static ObjectInfo InfoOf(string key, HttpResponseMessage response, long size) =>
        new(key, size, response.Content.Headers.LastModified?.ToUniversalTime() ?? DateTimeOffset.UtcNow, ETagOf(response),
            response.Content.Headers.ContentType?.ToString(), ObjectMetadata.Read(response.Headers))
        {
            AnsweredAt = response.Headers.Date?.ToUniversalTime(),
        };

    /// <summary>The ETag exactly as sent (quotes included, as listings show it).</summary>
    private static string? ETagOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null;

    private string Target(string key) => $"'{Bucket}/{key}'";
}
