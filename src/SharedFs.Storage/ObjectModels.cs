namespace SharedFs.Storage;

/// <summary>What HEAD (or a write) tells of one object.</summary>
public sealed record ObjectInfo(
    string Key,
    long Size,
    DateTimeOffset LastModified,
    string? ETag,
    string? ContentType,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The server's clock when it answered (its Date header), to compare with LastModified without skew.</summary>
    public DateTimeOffset? AnsweredAt { get; init; }
}

/// <summary>One object of a listing (listings carry no user metadata).</summary>
public sealed record ObjectSummary(string Key, long Size, DateTimeOffset LastModified, string? ETag);

/// <summary>One page of a listing: objects, common prefixes (ending with the delimiter) and the token for the next page.</summary>
public sealed record ListPage(IReadOnlyList<ObjectSummary> Objects, IReadOnlyList<string> CommonPrefixes, string? NextContinuationToken);

/// <summary>One stored part of a multipart upload: its number (from 1) and the ETag the server gave it.</summary>
public sealed record UploadedPart(int Number, string ETag);

/// <summary>Content type and user metadata of an object being written.</summary>
public sealed record ObjectWriteOptions(IReadOnlyDictionary<string, string> Metadata, string? ContentType = null)
{
    public static ObjectWriteOptions Empty { get; } = new(new Dictionary<string, string>());
}

/// <summary>A piece of an object being composed: either a byte range of an existing object or local bytes.</summary>
public abstract record ObjectPiece(long Length)
{
    /// <summary>Bytes [Offset, Offset+Length) of <paramref name="SourceKey"/>, copied on the server.</summary>
    public sealed record Copied(string SourceKey, long Offset, long Length) : ObjectPiece(Length);

    /// <summary>Local bytes read from a seekable stream from <paramref name="Offset"/>.</summary>
    public sealed record Local(Stream Content, long Offset, long Length) : ObjectPiece(Length);
}

/// <summary>
/// The answer of <see cref="IObjectStore.ReadFirstBytesAsync"/>: no such key, an empty object (without metadata), or
/// the object's info and the <paramref name="Read"/> first bytes.
/// </summary>
public readonly record struct FirstBytes(bool Exists, ObjectInfo? Info, int Read)
{
    public static FirstBytes Missing => new(false, null, 0);
    public static FirstBytes Empty => new(true, null, 0);
}
