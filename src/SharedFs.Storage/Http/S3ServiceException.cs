using System.Net;

namespace SharedFs.Storage.Http;

/// <summary>
/// An error answer of the S3 server: its HTTP status and, when the answer had a body, the S3 error code and
/// message. Also thrown for a 200 answer whose body is an &lt;Error&gt; (copy and multipart completion can do that).
/// </summary>
internal sealed class S3ServiceException(HttpStatusCode status, string? code, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
    public string? Code { get; } = code;
}
