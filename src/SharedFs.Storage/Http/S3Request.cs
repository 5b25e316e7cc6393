namespace SharedFs.Storage.Http;

/// <summary>
/// One S3 call before signing: method, object key (none for calls on the bucket), query, headers (lower-case
/// names; x-amz-* ones are signed; Content-Type is kept here too, as sent, because SigV2 signs it) and body: streamed
/// (sent unsigned) or small (its bytes kept, for SigV4 to hash).
/// </summary>
internal sealed class S3Request(HttpMethod method, string? key = null)
{
    public HttpMethod Method { get; } = method;
    public string? Key { get; } = key;
    public List<(string Name, string? Value)> Query { get; } = [];
    public SortedDictionary<string, string> Headers { get; } = new(StringComparer.Ordinal);
    public HttpContent? Content { get; private set; }
    /// <summary>A streamed body: sent as UNSIGNED-PAYLOAD with SigV4.</summary>
    public bool Streamed { get; private set; }
    /// <summary>The bytes of a small body (SigV4 signs their SHA-256).</summary>
    public byte[]? SmallBody { get; private set; }

    public S3Request With(string name, string? value = null)
    {
        Query.Add((name, value));
        return this;
    }

    public S3Request Header(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    /// <summary>User metadata as x-amz-meta-* headers (names lower-cased so that they read back the same).</summary>
    public S3Request Metadata(IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (name, value) in metadata) Headers["x-amz-meta-" + name.ToLowerInvariant()] = value;
        return this;
    }

    /// <summary>A body of <paramref name="length"/> bytes, not hashed (large or streamed bodies).</summary>
    public S3Request Body(HttpContent content, long length, string? contentType = null)
    {
        content.Headers.ContentLength = length;
        if (contentType is not null) Headers["content-type"] = contentType;
        Content = content;
        Streamed = true;
        return this;
    }

    /// <summary>A small body whose hash SigV4 signs (XML documents of multipart completion and batch delete).</summary>
    public S3Request SignedBody(byte[] body, string contentType)
    {
        Content = new ByteArrayContent(body);
        Content.Headers.ContentLength = body.Length;
        Headers["content-type"] = contentType;
        SmallBody = body;
        return this;
    }
}
