namespace SharedFs.Storage;

public enum StorageErrorKind
{
    NotFound,
    AccessDenied,
    InvalidCredentials,
    NoSuchBucket,
    /// <summary>The server is unreachable, timed out or kept failing after the retries.</summary>
    Unavailable,
    NotImplemented,
    PreconditionFailed,
    /// <summary>
    /// The server's TLS certificate was refused (untrusted, expired, for another name…): permanent, so never retried.
    /// <see cref="StorageException.Certificate"/> says what is wrong with it.
    /// </summary>
    CertificateRefused,
    /// <summary>The server refuses to store more (a bucket or user quota: RGW's and S3-compatible providers' QuotaExceeded).</summary>
    QuotaExceeded,
    Other,
}

/// <summary>A storage call that failed for good. The message never contains secrets.</summary>
public sealed class StorageException(StorageErrorKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public StorageErrorKind Kind { get; } = kind;

    /// <summary>The S3 error code the server sent ("NoSuchKey", "SlowDown"…), when it sent one.</summary>
    public string? ServerCode { get; init; }

    public int? HttpStatus { get; init; }

    /// <summary>For <see cref="StorageErrorKind.CertificateRefused"/>: what is wrong with the certificate.</summary>
    public CertificateProblem? Certificate { get; init; }

    /// <summary>For batch operations: the keys that failed and why (the other keys succeeded).</summary>
    public IReadOnlyList<KeyError> KeyErrors { get; init; } = [];
}

/// <summary>One key of a batch that failed, with the server's code and message.</summary>
public sealed record KeyError(string Key, string Code, string Message);
