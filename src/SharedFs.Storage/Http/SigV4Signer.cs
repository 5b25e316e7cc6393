using System.Security.Cryptography;
using System.Text;

namespace SharedFs.Storage.Http;

/// <summary>
/// AWS Signature Version 4 for S3 (header form). Bodies are sent as UNSIGNED-PAYLOAD (S3 allows it on any
/// transport): hashing every uploaded byte would cost CPU the server needs on a small machine. The derived
/// signing key is cached per day. The clock offset corrects a skewed local clock once the server said so.
/// </summary>
internal sealed class SigV4Signer(string accessKeyId, string secretAccessKey, string region, Func<DateTime>? clock = null) : IRequestSigner
{
    private readonly Func<DateTime> _clock = clock ?? (() => DateTime.UtcNow);

    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly Lock _keyLock = new();
    private (string Day, byte[] Key) _signingKey = ("", []);
    private long _clockOffsetTicks;

    /// <summary>Server time minus local time, learnt from a RequestTimeTooSkewed answer.</summary>
    public TimeSpan ClockOffset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _clockOffsetTicks));
        set => Interlocked.Exchange(ref _clockOffsetTicks, value.Ticks);
    }

    public void Sign(SigningRequest request) =>
        Sign(request.Request.Method.Method, request.Host, request.Path, CanonicalQuery(request.Request.Query), request.Headers, PayloadHashOf(request.Request));

    /// <summary>
    /// Adds x-amz-date, x-amz-content-sha256 and Authorization to <paramref name="headers"/>, signing the host, every
    /// x-amz-* header, Content-MD5, Range and the conditional headers (not Content-Type: HttpClient owns its form). <paramref name="canonicalUri"/> and <paramref name="canonicalQuery"/> must be
    /// exactly what goes on the wire (already encoded, query sorted).
    /// </summary>
    public void Sign(string method, string host, string canonicalUri, string canonicalQuery, SortedDictionary<string, string> headers, string payloadHash)
    {
        var now = _clock() + ClockOffset;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var day = amzDate[..8];
        headers["x-amz-date"] = amzDate;
        headers["x-amz-content-sha256"] = payloadHash;

        var signed = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = host };
        foreach (var (name, value) in headers)
        {
            if (name.StartsWith("x-amz-", StringComparison.Ordinal) || name is "content-md5" or "range" or "if-match" or "if-none-match")
                signed[name] = value.Trim();
        }
        var canonical = new StringBuilder(256)
            .Append(method).Append('\n')
            .Append(canonicalUri).Append('\n')
            .Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in signed) canonical.Append(name).Append(':').Append(value).Append('\n');
        var signedNames = string.Join(';', signed.Keys);
        canonical.Append('\n').Append(signedNames).Append('\n').Append(payloadHash);

        var scope = $"{day}/{region}/s3/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var signature = Hex(HMACSHA256.HashData(SigningKey(day), Encoding.UTF8.GetBytes(toSign)));
        headers["authorization"] = $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedNames}, Signature={signature}";
    }

    private byte[] SigningKey(string day)
    {
        lock (_keyLock)
        {
            if (_signingKey.Day == day) return _signingKey.Key;
            var key = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
            foreach (var part in new[] { day, region, "s3", "aws4_request" })
                key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
            _signingKey = (day, key);
            return key;
        }
    }

    /// <summary>Streamed bodies go unsigned; a small body (an XML document) is hashed here, only for SigV4.</summary>
    public static string PayloadHashOf(S3Request request) =>
        request.Streamed ? UnsignedPayload : request.SmallBody is { } body ? PayloadHash(body) : EmptyPayloadHash;

    /// <summary>Names and values encoded, sorted by name then value, every parameter with its '='.</summary>
    public static string CanonicalQuery(IEnumerable<(string Name, string? Value)> query) =>
        string.Join('&', query.Select(q => (Name: S3Transport.Encode(q.Name), Value: S3Transport.Encode(q.Value ?? "")))
            .OrderBy(q => q.Name, StringComparer.Ordinal).ThenBy(q => q.Value, StringComparer.Ordinal)
            .Select(q => q.Name + "=" + q.Value));

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static string PayloadHash(ReadOnlySpan<byte> body) => Hex(SHA256.HashData(body));
}
