using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SharedFs.Storage.Http;

/// <summary>
/// AWS Signature Version 2 (header form), for servers that still need it. The string to sign is Verb, Content-MD5,
/// Content-Type, Date, the x-amz-* headers and the resource (bucket, encoded path, signed sub-resources); its
/// HMAC-SHA1 goes in "Authorization: AWS key:signature". The date travels as x-amz-date (signed with the other
/// x-amz-* headers, so the Date line stays empty): HttpClient would write its own Date header otherwise.
/// V2 signs no payload hash, so no body is ever hashed.
/// </summary>
internal sealed class SigV2Signer(string accessKeyId, string secretAccessKey, Func<DateTime>? clock = null) : IRequestSigner
{
    private readonly Func<DateTime> _clock = clock ?? (() => DateTime.UtcNow);
    private readonly byte[] _key = Encoding.UTF8.GetBytes(secretAccessKey);
    private long _clockOffsetTicks;

    /// <summary>The query parameters V2 signs (AWS's list); every other parameter stays out of the signature.</summary>
    private static readonly HashSet<string> SignedSubResources = new(StringComparer.Ordinal)
    {
        "acl", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy", "requestPayment",
        "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
        "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
        "response-content-type", "response-expires",
    };

    public TimeSpan ClockOffset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _clockOffsetTicks));
        set => Interlocked.Exchange(ref _clockOffsetTicks, value.Ticks);
    }

    public void Sign(SigningRequest request)
    {
        var headers = request.Headers;
        headers["x-amz-date"] = (_clock() + ClockOffset).ToString("r", CultureInfo.InvariantCulture);
        var resource = CanonicalResource(request.Path, request.VirtualHostBucket, request.Request.Query);
        var toSign = StringToSign(request.Request.Method.Method, headers, resource);
        var signature = Convert.ToBase64String(HMACSHA1.HashData(_key, Encoding.UTF8.GetBytes(toSign)));
        headers["authorization"] = $"AWS {accessKeyId}:{signature}";
    }

    /// <summary>The string to sign, from lower-case header names.</summary>
    public static string StringToSign(string method, IReadOnlyDictionary<string, string> headers, string canonicalResource)
    {
        var text = new StringBuilder(256)
            .Append(method).Append('\n')
            .Append(headers.GetValueOrDefault("content-md5", "")).Append('\n')
            .Append(headers.GetValueOrDefault("content-type", "")).Append('\n')
            // With x-amz-date the Date line is empty (the server ignores Date then).
            .Append(headers.ContainsKey("x-amz-date") ? "" : headers.GetValueOrDefault("date", "")).Append('\n');
        foreach (var (name, value) in headers.Where(h => h.Key.StartsWith("x-amz-", StringComparison.Ordinal)).OrderBy(h => h.Key, StringComparer.Ordinal))
            text.Append(name).Append(':').Append(value.Trim()).Append('\n');
        return text.Append(canonicalResource).ToString();
    }

    /// <summary>
    /// The bucket (put back in front when it is in the host name), the path as sent (still encoded), then the
    /// signed sub-resources sorted by name with their values as they are, not encoded: "?partNumber=2&amp;uploadId=x".
    /// </summary>
    public static string CanonicalResource(string encodedPath, string? virtualHostBucket, IEnumerable<(string Name, string? Value)> query)
    {
        var resource = new StringBuilder(virtualHostBucket is null ? encodedPath : "/" + virtualHostBucket + encodedPath);
        var separator = '?';
        foreach (var (name, value) in query.Where(q => SignedSubResources.Contains(q.Name)).OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            resource.Append(separator).Append(name);
            if (value is not null) resource.Append('=').Append(value);
            separator = '&';
        }
        return resource.ToString();
    }
}
