using System.Net;
using System.Text;

namespace SharedFs.Storage.Http;

/// <summary>
/// Sends <see cref="S3Request"/>s to one bucket: addresses them (path style or virtual host), signs them (SigV4 or
/// SigV2, <see cref="IRequestSigner"/>) and
/// turns every answer outside 2xx into an <see cref="S3ServiceException"/> carrying the server's error code.
/// One pooled HttpClient; no retries here (<see cref="RetryPolicy"/> owns them).
/// </summary>
internal sealed class S3Transport(S3StoreOptions options, HttpClient http, CertificateRecorder certificates, RequestMeter? meter = null)
{
    private readonly IRequestSigner _signer = IRequestSigner.For(options);
    private readonly string _basePath = options.Endpoint.AbsolutePath.TrimEnd('/');

    /// <summary>
    /// Sends the request and returns the answer once its headers are in (the body is the caller's to read and
    /// dispose). Statuses in <paramref name="accepted"/> are returned as answers instead of thrown.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(S3Request request, CancellationToken cancellationToken, params HttpStatusCode[] accepted)
    {
        using var message = Build(request);
        if (message.Content?.Headers.ContentLength is { } sent) meter?.Sent(sent);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (certificates.RefusalBehind(e) is { } problem)
        {
            throw new CertificateRefusedException(problem, e); // says what is wrong; RetryPolicy does not retry it
        }
        // A HEAD's Content-Length is the object's, not bytes that came.
        if (request.Method != HttpMethod.Head && response.Content.Headers.ContentLength is { } received) meter?.Received(received);
        if (response.IsSuccessStatusCode || accepted.Contains(response.StatusCode)) return response;
        using (response)
        {
            throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the request and reads the whole (small, XML) body of a successful answer.</summary>
    public async Task<(string Body, HttpResponseMessage Response)> SendForTextAsync(S3Request request, CancellationToken cancellationToken)
    {
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return (body, response);
    }

    private HttpRequestMessage Build(S3Request request)
    {
        var endpoint = options.Endpoint;
        var pathStyle = options.PathStyle;
        var host = pathStyle ? endpoint.Authority : $"{options.Bucket}.{endpoint.Authority}";
        var path = _basePath + (pathStyle ? "/" + options.Bucket : "") + (request.Key is null ? (pathStyle ? "" : "/") : "/" + EncodePath(request.Key));
        var wireQuery = string.Join('&', request.Query
            .OrderBy(q => Encode(q.Name), StringComparer.Ordinal).ThenBy(q => Encode(q.Value ?? ""), StringComparer.Ordinal)
            .Select(q => q.Value is null ? Encode(q.Name) : Encode(q.Name) + "=" + Encode(q.Value)));

        var headers = new SortedDictionary<string, string>(request.Headers, StringComparer.Ordinal);
        _signer.Sign(new SigningRequest(request, host, path, pathStyle ? null : options.Bucket, headers));

        var uri = new Uri($"{endpoint.Scheme}://{host}{path}{(wireQuery.Length > 0 ? "?" + wireQuery : "")}");
        var message = new HttpRequestMessage(request.Method, uri) { Content = request.Content, Version = HttpVersion.Version11 };
        foreach (var (name, value) in headers)
        {
            if (name is "content-type" or "content-md5" or "content-length")
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return message;
    }

    private async Task<S3ServiceException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? code = null;
        var text = response.ReasonPhrase ?? response.StatusCode.ToString();
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (body.TrimStart().StartsWith('<'))
            {
                var (parsedCode, message) = S3Xml.Error(S3Xml.Parse(body));
                code = parsedCode;
                if (message.Length > 0) text = message;
            }
        }
        catch (Exception e) when (e is S3ServiceException or IOException or HttpRequestException)
        {
            // An unreadable error body: the status alone tells.
        }
        if (code == "RequestTimeTooSkewed" && response.Headers.Date is { } serverNow)
            _signer.ClockOffset = serverNow - DateTimeOffset.UtcNow; // the retry signs with the server's clock
        return new S3ServiceException(response.StatusCode, code, text);
    }

    /// <summary>A key as a URI path: every byte but the unreserved characters and '/' percent-encoded (as S3 signs it).</summary>
    public static string EncodePath(string key) => Encode(key, keepSlash: true);

    /// <summary>RFC 3986 encoding of UTF-8 bytes, upper-case hex, as SigV4 wants it.</summary>
    public static string Encode(string text, bool keepSlash = false)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
                builder.Append(c);
            else
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }
}
