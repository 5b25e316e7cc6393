namespace SharedFs.Storage;

/// <summary>Where the bucket is and how to talk to it.</summary>
public sealed record S3StoreOptions
{
    public required Uri Endpoint { get; init; }
    public string Region { get; init; } = "us-east-1";
    public required string AccessKeyId { get; init; }
    public required string SecretAccessKey { get; init; }
    public required string Bucket { get; init; }
    /// <summary>Path-style addressing (endpoint/bucket/key), needed by most self-hosted servers.</summary>
    public bool PathStyle { get; init; } = true;
    /// <summary>V4 unless the server only checks V2 signatures (older Ceph, EMC, swift3); V2 ignores <see cref="Region"/>.</summary>
    public SignatureVersion Signature { get; init; } = SignatureVersion.V4;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxRetries { get; init; } = 4;
    /// <summary>Objects at least this large are uploaded in parts.</summary>
    public long MultipartThreshold { get; init; } = 32L * 1024 * 1024;
    public long PartSize { get; init; } = 16L * 1024 * 1024;
    /// <summary>Parts uploaded (or ranges fetched) at once for one object.</summary>
    public int Parallelism { get; init; } = 4;
    /// <summary>First wait before a retry; doubled at each attempt (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Objects at least this large are copied with UploadPartCopy (S3 refuses a single COPY above 5 GiB).</summary>
    public long MultipartCopyThreshold { get; init; } = 5L * 1024 * 1024 * 1024;
    /// <summary>Size of one UploadPartCopy part (server-side, so large parts cost nothing locally).</summary>
    public long CopyPartSize { get; init; } = 512L * 1024 * 1024;

    public override string ToString() => $"S3StoreOptions {{ Endpoint = {Endpoint}, Region = {Region}, Bucket = {Bucket}, PathStyle = {PathStyle}, Signature = {Signature} }}";
}
