using System.Net;
using System.Net.Sockets;
using SharedFs.Storage.Http;

namespace SharedFs.Storage;

/// <summary>
/// Decides which failures are worth a retry and turns the final one into a <see cref="StorageException"/>.
/// S3 error codes are checked before HTTP statuses because HEAD answers carry no body (so no code).
/// </summary>
internal static class S3ErrorMapper
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "Throttling", "ThrottlingException",
        "RequestTimeTooSkewed", // a clock step on either side; the transport re-signs with the server's clock
    };

    public static bool IsTransient(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case S3ServiceException service:
                    return (service.Code is { } code && TransientCodes.Contains(code)) || IsTransientStatus(service.Status);
                case CertificateRefusedException:
                    return false; // a refused certificate stays refused: asking again only delays the answer
                case HttpRequestException or IOException or SocketException or TimeoutException or TruncatedBodyException:
                    return true;
            }
        }
        return false;
    }

    private static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout;

    /// <summary>The S3 error code of <paramref name="error"/> (or of an exception it wraps), if the server sent one.</summary>
    public static string? ServerCode(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is S3ServiceException { Code: { Length: > 0 } code })
                return code;
        }
        return null;
    }

    public static HttpStatusCode? Status(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is S3ServiceException service)
                return service.Status;
        }
        return null;
    }

    public static CertificateProblem? Certificate(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is CertificateRefusedException refused)
                return refused.Problem;
        }
        return null;
    }

    public static StorageErrorKind Classify(Exception error, bool transient)
    {
        if (Certificate(error) is not null) return StorageErrorKind.CertificateRefused;
        var code = ServerCode(error);
        var kind = code switch
        {
            "NoSuchKey" or "NoSuchUpload" => StorageErrorKind.NotFound,
            "NoSuchBucket" => StorageErrorKind.NoSuchBucket,
            "InvalidAccessKeyId" or "SignatureDoesNotMatch" => StorageErrorKind.InvalidCredentials,
            "AccessDenied" => StorageErrorKind.AccessDenied,
            "NotImplemented" => StorageErrorKind.NotImplemented,
            "PreconditionFailed" => StorageErrorKind.PreconditionFailed,
            "QuotaExceeded" => StorageErrorKind.QuotaExceeded,
            _ => (StorageErrorKind?)null,
        };
        if (kind is { } known) return known;
        if (transient) return StorageErrorKind.Unavailable;
        return Status(error) switch
        {
            HttpStatusCode.NotFound => StorageErrorKind.NotFound,
            HttpStatusCode.Forbidden => StorageErrorKind.AccessDenied,
            HttpStatusCode.PreconditionFailed => StorageErrorKind.PreconditionFailed,
            HttpStatusCode.NotImplemented => StorageErrorKind.NotImplemented,
            >= HttpStatusCode.InternalServerError => StorageErrorKind.Unavailable,
            null => StorageErrorKind.Other,
            _ => StorageErrorKind.Other,
        };
    }

    public static StorageException ToStorageException(Exception error, string operation, string target, int attempts, bool transient, string secretToHide)
    {
        var kind = Classify(error, transient);
        var code = ServerCode(error);
        var status = Status(error);
        var certificate = Certificate(error);
        var detail = code is not null ? $"{code}, HTTP {(int?)status}" : status is not null ? $"HTTP {(int)status}" : error.GetType().Name;
        var tries = attempts > 1 ? $" after {attempts} attempts" : "";
        var message = certificate is not null
            ? $"S3 {operation} {target}: {kind}{tries}: {certificate.Describe()}"
            : $"S3 {operation} {target}: {kind} ({detail}){tries}: {FirstMessage(error)}";
        if (secretToHide.Length > 0)
            message = message.Replace(secretToHide, "***", StringComparison.Ordinal);
        return new StorageException(kind, message, error) { ServerCode = code, HttpStatus = (int?)status, Certificate = certificate };
    }

    private static string FirstMessage(Exception error)
    {
        var message = error.Message;
        // Network failures say little at the top: the socket error below is what helps.
        for (var e = error.InnerException; e is not null && message.Length < 20; e = e.InnerException)
            message = e.Message;
        return message.Length > 300 ? message[..300] + "…" : message;
    }
}

/// <summary>A response body that ended before its Content-Length: the connection was cut, worth a retry.</summary>
internal sealed class TruncatedBodyException(long expected, long received)
    : IOException($"the response body ended after {received} of {expected} bytes");
