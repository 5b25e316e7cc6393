using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SharedFs.Storage;

/// <summary>What is wrong with a server certificate that the TLS validation refused.</summary>
public enum CertificateFault
{
    /// <summary>No trusted CA signed it (unknown issuer, self-signed, or the chain is incomplete).</summary>
    Untrusted,
    Expired,
    NotYetValid,
    /// <summary>It names other hosts than the endpoint's.</summary>
    WrongName,
    Revoked,
    /// <summary>The server sent no certificate.</summary>
    Missing,
    /// <summary>Anything else the chain says (bad signature, wrong usage, an expired CA…): see <see cref="CertificateProblem.Detail"/>.</summary>
    Invalid,
}

/// <summary>
/// Why the TLS validation refused the certificate of <paramref name="Host"/>: the faults found (from the
/// SslPolicyErrors and the chain status) and what the certificate says of itself. A certificate problem is
/// permanent: it is reported at once, never retried.
/// </summary>
public sealed record CertificateProblem(
    string Host,
    int Port,
    IReadOnlyList<CertificateFault> Faults,
    IReadOnlyList<string> Names,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string Detail)
{
    /// <summary>One sentence, e.g. "the TLS certificate of 127.0.0.1:443 is for s3.example.com, not 127.0.0.1".</summary>
    public string Describe()
    {
        if (Faults.Contains(CertificateFault.Missing)) return $"the server at {Host}:{Port} sent no TLS certificate";
        var clauses = Faults.Select(fault => fault switch
        {
            CertificateFault.Untrusted => $"is not trusted (issued by \"{Issuer}\", which is not a trusted CA)",
            CertificateFault.Expired => $"expired on {Format(NotAfter)}",
            CertificateFault.NotYetValid => $"is not valid before {Format(NotBefore)}",
            CertificateFault.WrongName => $"is for {NameList}, not {Host}",
            CertificateFault.Revoked => "was revoked by its CA",
            _ => $"is invalid ({Detail})",
        });
        return $"the TLS certificate of {Host}:{Port} {string.Join(" and ", clauses)}";
    }

    public string NameList => Names.Count == 0 ? "no host name" : string.Join(", ", Names);

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Reads the faults off what the validation saw (in the validation callback: the chain is not ours to keep).</summary>
    internal static CertificateProblem From(string host, int port, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, DateTimeOffset now)
    {
        var leaf = certificate as X509Certificate2;
        if (leaf is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return new(host, port, [CertificateFault.Missing], [], "", default, default, "no certificate");

        var faults = new List<CertificateFault>();
        var details = new List<string>();
        var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            foreach (var status in chain?.ChainStatus ?? [])
            {
                switch (status.Status)
                {
                    case X509ChainStatusFlags.NoError:
                        break;
                    case X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain:
                        Add(CertificateFault.Untrusted);
                        break;
                    case X509ChainStatusFlags.NotTimeValid when now > notAfter:
                        Add(CertificateFault.Expired);
                        break;
                    case X509ChainStatusFlags.NotTimeValid when now < notBefore:
                        Add(CertificateFault.NotYetValid);
                        break;
                    case X509ChainStatusFlags.Revoked:
                        Add(CertificateFault.Revoked);
                        break;
                    default:
                        // An expired CA, a bad signature, a certificate not meant for servers…: the chain's own words.
                        Add(CertificateFault.Invalid);
                        details.Add($"{status.Status}: {status.StatusInformation.Trim()}");
                        break;
                }
            }
            if (faults.Count == 0)
            {
                Add(CertificateFault.Invalid);
                details.Add("the certificate chain is not valid");
            }
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) Add(CertificateFault.WrongName);
        // In the enum's order (not the chain's), so that the sentence reads the same every time.
        return new(host, port, faults.Order().ToList(), NamesOf(leaf), leaf.Issuer, notBefore, notAfter, string.Join("; ", details));

        void Add(CertificateFault fault)
        {
            if (!faults.Contains(fault)) faults.Add(fault);
        }
    }

    /// <summary>The DNS names and IP addresses of the subject alternative names, else the subject's common name.</summary>
    private static List<string> NamesOf(X509Certificate2 certificate)
    {
        var names = new List<string>();
        if (certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault() is { } alternative)
        {
            names.AddRange(alternative.EnumerateDnsNames());
            names.AddRange(alternative.EnumerateIPAddresses().Select(ip => ip.ToString()));
        }
        if (names.Count == 0 && certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } commonName)
            names.Add(commonName);
        return names;
    }
}
