using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SharedFs.Storage.Http;

/// <summary>
/// The TLS validation callback of one store. It keeps the default decision, exactly: a certificate passes only when
/// the platform's validation found no error (it never accepts a bad one). What it adds is a record of why the last
/// certificate was refused, so that the failure can say what is wrong with it instead of a bare handshake error.
/// </summary>
internal sealed class CertificateRecorder(Uri endpoint)
{
    private CertificateProblem? _lastRefusal;

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            Volatile.Write(ref _lastRefusal, null);
            return true;
        }
        var host = sender is SslStream { TargetHostName: { Length: > 0 } target } ? target : endpoint.Host;
        Volatile.Write(ref _lastRefusal, CertificateProblem.From(host, endpoint.Port, certificate, chain, errors, DateTimeOffset.UtcNow));
        return false;
    }

    /// <summary>The refusal behind <paramref name="error"/>, when it is a failed TLS handshake after a refused certificate.</summary>
    public CertificateProblem? RefusalBehind(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException) return Volatile.Read(ref _lastRefusal);
        }
        return null;
    }
}

/// <summary>A request that failed because the server's certificate was refused: permanent, never retried.</summary>
internal sealed class CertificateRefusedException(CertificateProblem problem, Exception inner) : Exception(problem.Describe(), inner)
{
    public CertificateProblem Problem { get; } = problem;
}
