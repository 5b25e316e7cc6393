using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace SharedFs.Storage;

/// <summary>
/// <see cref="IObjectStore"/> on an S3-compatible server through AWSSDK.S3 (SigV4, path or virtual-host style).
/// This file holds the client set-up and the single-request operations; the partial files next to it hold
/// transfers (Download, Upload, Copy, Compose), deletion and listing.
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
    private readonly AmazonS3Client _client;
    private readonly RetryPolicy _retry;

    public S3ObjectStore(S3StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PartSize < MinPartSize || options.PartSize > MaxBufferedPartSize)
            throw new ArgumentOutOfRangeException(nameof(options), $"PartSize must be between 5 MiB and 1 GiB (was {options.PartSize})");
        if (options.Parallelism < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "Parallelism must be at least 1");
        _options = options;
        _httpClient = S3ClientFactory.CreateHttpClient(options);
        _client = S3ClientFactory.Create(options, _httpClient);
        _retry = new RetryPolicy(options.MaxRetries, options.RequestTimeout, options.RetryBaseDelay, options.RetryMaxDelay, options.SecretAccessKey);
    }

    public static S3ObjectStore Create(S3StoreOptions options) => new(options);

    public string Bucket => _options.Bucket;

    public S3StoreOptions Options => _options;

    /// <summary>How many requests were retried since the store was created (diagnostics, tests).</summary>
    public long RetryCount => _retry.RetryCount;

    /// <summary>The longest a failing call can take before it throws (<see cref="RetryPolicy.WorstCase"/>).</summary>
    public TimeSpan WorstCaseFailureTime => _retry.WorstCase;

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        return await _retry.ExecuteAsync("HEAD", Target(key), async token =>
        {
            try
            {
                var response = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = key }, token).ConfigureAwait(false);
                return new ObjectInfo(key, response.ContentLength, ToOffset(response.LastModified), response.ETag,
                    response.Headers.ContentType, ObjectMetadata.Read(response.Metadata));
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
            {
                return null; // HEAD has no body: a missing bucket looks like a missing key here (ProbeAsync tells them apart)
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ReadAsync(string key, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (buffer.IsEmpty) return 0;
        return await _retry.ExecuteAsync("GET", Target(key), async token =>
        {
            var range = await GetRangeAsync(key, offset, buffer.Length, etag: null, token).ConfigureAwait(false);
            if (range is null) return 0;
            using var response = range;
            return await ReadBodyAsync(response, buffer, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await _retry.ExecuteAsync("DELETE", Target(key), async token =>
        {
            try
            {
                await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key }, token).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey")
            {
                // S3 answers 204 for a missing key; some servers say NoSuchKey. Either way it is gone.
            }
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
                await _client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket }, token).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
            {
                // BucketAlreadyExists from Ceph means ours too when the listing below works: the probe tells.
            }
        }, cancellationToken).ConfigureAwait(false);
        await ProbeAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _client.Dispose();
        _httpClient.Dispose();
    }

    /// <summary>
    /// A ranged GET of at most <paramref name="length"/> bytes from <paramref name="offset"/>; null when the
    /// offset is at or past the end (416). With an ETag, a changed object fails with PreconditionFailed.
    /// </summary>
    private async Task<GetObjectResponse?> GetRangeAsync(string key, long offset, long length, string? etag, CancellationToken token)
    {
        var request = new GetObjectRequest { BucketName = Bucket, Key = key, ByteRange = new ByteRange(offset, offset + length - 1) };
        if (etag is not null) request.EtagToMatch = etag;
        try
        {
            return await _client.GetObjectAsync(request, token).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return null;
        }
    }

    /// <summary>Reads the whole body (up to the buffer's size); a body shorter than announced is a cut connection.</summary>
    private static async Task<int> ReadBodyAsync(GetObjectResponse response, Memory<byte> buffer, CancellationToken token)
    {
        var expected = Math.Min(response.ContentLength, buffer.Length);
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await response.ResponseStream.ReadAsync(buffer[total..], token).ConfigureAwait(false);
            if (read == 0) break;
            total += read;
        }
        if (total < expected)
            throw new TruncatedBodyException(expected, total);
        return total;
    }

    /// <summary>Total object size from "Content-Range: bytes a-b/total" (or the length of a 200 answer).</summary>
    private static long TotalSize(GetObjectResponse response)
    {
        var range = response.ContentRange;
        var slash = range?.LastIndexOf('/') ?? -1;
        if (range is not null && slash >= 0 && long.TryParse(range.AsSpan(slash + 1), out var total))
            return total;
        return response.ContentLength;
    }

    private static ObjectInfo InfoOf(string key, GetObjectResponse response) =>
        new(key, TotalSize(response), ToOffset(response.LastModified), response.ETag, response.Headers.ContentType, ObjectMetadata.Read(response.Metadata));

    internal static DateTimeOffset ToOffset(DateTime? time) => time switch
    {
        null => DateTimeOffset.UtcNow,
        { Kind: DateTimeKind.Unspecified } t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        { } t => new DateTimeOffset(t.ToUniversalTime()),
    };

    private string Target(string key) => $"'{Bucket}/{key}'";
}
