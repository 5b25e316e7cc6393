using System.Net.Http.Headers;

namespace SharedFs.Storage.Http;

/// <summary>
/// One S3 call before signing: method, object key (none for calls on the bucket), query, headers (lower-case
/// names; x-amz-* ones are signed) and body. A body is sent as UNSIGNED-PAYLOAD unless its hash is given.
/// </summary>
internal sealed class S3Request(HttpMethod method, string? key = null)
{
    public HttpMethod Method { get; } = method;
    public string? Key { get; } = key;
    public List<(string Name, string? Value)> Query { get; } = [];
    public SortedDictionary<string, string> Headers { get; } = new(StringComparer.Ordinal);
    public HttpContent? Content { get; private set; }
    public string PayloadHash { get; private set; } = SigV4Signer.EmptyPayloadHash;

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
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        Content = content;
        PayloadHash = SigV4Signer.UnsignedPayload;
        return this;
    }

    /// <summary>A small body sent with its SHA-256 (XML documents of multipart completion and batch delete).</summary>
    public S3Request SignedBody(byte[] body, string contentType)
    {
        Content = new ByteArrayContent(body);
        Content.Headers.ContentLength = body.Length;
        Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        PayloadHash = SigV4Signer.PayloadHash(body);
        return this;
    }
}
