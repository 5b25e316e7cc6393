using System.Net;

namespace SharedFs.TestSupport.Tls;

/// <summary>
/// Three TLS listeners with a bad certificate each, for one test class (IClassFixture): <see cref="Untrusted"/>
/// (for 127.0.0.1, from a CA nobody trusts), <see cref="Expired"/> (for 127.0.0.1, expired yesterday) and
/// <see cref="WrongName"/> (valid, but for storage.example.com), the last two from the CA in <see cref="CaFile"/>: a
/// process given SSL_CERT_FILE=CaFile sees exactly one fault in each.
/// </summary>
public sealed class BadCertificateServers : IDisposable
{
    public const string OtherName = "storage.example.com";

    private readonly TempDirectory _folder = new("sharedfs-tls");
    private readonly TestCertificateAuthority _trusted = new("SharedFs trusted test CA");
    private readonly TestCertificateAuthority _unknown = new("SharedFs unknown test CA");

    public BadCertificateServers()
    {
        CaFile = _trusted.WritePem(_folder.Combine("ca.pem"));
        var now = DateTimeOffset.UtcNow;
        IPAddress[] loopback = [IPAddress.Loopback];
        Untrusted = new TlsTestServer(_unknown.Issue([], loopback, now.AddDays(-1), now.AddDays(30)));
        Expired = new TlsTestServer(_trusted.Issue([], loopback, now.AddDays(-30), now.AddDays(-1)));
        WrongName = new TlsTestServer(_trusted.Issue([OtherName], [], now.AddDays(-1), now.AddDays(30)));
    }

    /// <summary>The CA of <see cref="Expired"/> and <see cref="WrongName"/>, as PEM (not the CA of <see cref="Untrusted"/>).</summary>
    public string CaFile { get; }
    public TlsTestServer Untrusted { get; }
    public TlsTestServer Expired { get; }
    public TlsTestServer WrongName { get; }

    /// <summary>"untrusted", "expired" or "wrong-name".</summary>
    public TlsTestServer this[string fault] => fault switch
    {
        "untrusted" => Untrusted,
        "expired" => Expired,
        "wrong-name" => WrongName,
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "untrusted, expired or wrong-name"),
    };

    public void Dispose()
    {
        foreach (var server in new[] { Untrusted, Expired, WrongName }) server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _trusted.Dispose();
        _unknown.Dispose();
        _folder.Dispose();
    }
}
