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
    Other,
}

/// <summary>A storage call that failed for good. The message never contains secrets.</summary>
public sealed class StorageException(StorageErrorKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public StorageErrorKind Kind { get; } = kind;
}
