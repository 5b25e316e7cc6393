using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using SharedFs.Storage.Http;
using SharedFs.TestSupport;
using SharedFs.TestSupport.Tls;

namespace SharedFs.Storage.Tests;

/// <summary>
/// A refused TLS certificate fails at once, as CertificateRefused, saying what is wrong with it. Against the test's own
/// TLS listeners (BadCertificateServers): this test process trusts none of their CAs (SSL_CERT_FILE would have to be
/// set before it started), so the untrusted fault comes with the others here; the sharedfs-init tests, run with
/// SSL_CERT_FILE, see each fault alone. Retries are counted as connections on the listener, not timed.
/// </summary>
public sealed class CertificateTests(BadCertificateServers servers) : IClassFixture<BadCertificateServers>
{
    private static S3StoreOptions Options(Uri endpoint) => new()
    {
        Endpoint = endpoint, AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "not-needed-secret", Bucket = "some-bucket",
        MaxRetries = 4, RetryBaseDelay = TimeSpan.FromMilliseconds(50), RetryMaxDelay = TimeSpan.FromMilliseconds(100),
    };

    public static TheoryData<string, CertificateFault[], string> Faults() => new()
    {
        { "untrusted", [CertificateFault.Untrusted], "is not trusted (issued by \"CN=SharedFs unknown test CA\", which is not a trusted CA)" },
        { "expired", [CertificateFault.Untrusted, CertificateFault.Expired], " expired on " },
        { "wrong-name", [CertificateFault.Untrusted, CertificateFault.WrongName], $"is for {BadCertificateServers.OtherName}, not 127.0.0.1" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_bad_certificate_is_refused_at_once_and_says_what_is_wrong(string fault, CertificateFault[] faults, string says)
    {
        var server = servers[fault];
        var connectionsBefore = server.Connections;
        using var store = new S3ObjectStore(Options(server.Endpoint));

        var error = await Assert.ThrowsAsync<StorageException>(() => store.ProbeAsync());

        Assert.Equal(StorageErrorKind.CertificateRefused, error.Kind);
        Assert.Equal(faults, error.Certificate!.Faults);
        Assert.Contains($"the TLS certificate of 127.0.0.1:{server.Endpoint.Port} ", error.Message);
        Assert.Contains(says, error.Message);
        Assert.DoesNotContain("not-needed-secret", error.ToString());
        Assert.Equal(0, store.RetryCount);
        Assert.Equal(1, server.Connections - connectionsBefore);
    }

    [Fact]
    public async Task Every_operation_reports_the_refused_certificate_the_same_way()
    {
        using var store = new S3ObjectStore(Options(servers.Untrusted.Endpoint));
        var errors = new[]
        {
            await Assert.ThrowsAsync<StorageException>(() => store.HeadAsync("k")),
            await Assert.ThrowsAsync<StorageException>(() => store.ReadAsync("k", 0, new byte[4])),
            await Assert.ThrowsAsync<StorageException>(() => store.UploadAsync("k", new MemoryStream([1, 2]), 2, ObjectWriteOptions.Empty)),
            await Assert.ThrowsAsync<StorageException>(() => store.DeleteManyAsync(["a", "b"])),
        };
        Assert.All(errors, e => Assert.Equal(StorageErrorKind.CertificateRefused, e.Kind));
        Assert.Equal(0, store.RetryCount);
    }

    [Fact]
    public void The_validation_callback_keeps_the_platform_decision_and_never_accepts_a_bad_certificate()
    {
        var recorder = new CertificateRecorder(new Uri("https://127.0.0.1:9/"));
        using var authority = new TestCertificateAuthority("callback test CA");
        using var certificate = authority.Issue(["s3.example.com"], [], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var chain = new X509Chain();
        foreach (var errors in new[] { SslPolicyErrors.RemoteCertificateChainErrors, SslPolicyErrors.RemoteCertificateNameMismatch,
                     SslPolicyErrors.RemoteCertificateNotAvailable, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch })
        {
            Assert.False(recorder.Validate(this, certificate, chain, errors));
            Assert.NotNull(recorder.RefusalBehind(new HttpRequestException("x", new System.Security.Authentication.AuthenticationException("y"))));
        }
        Assert.True(recorder.Validate(this, certificate, chain, SslPolicyErrors.None));
        // Accepted since: nothing refused stands behind a later handshake failure.
        Assert.Null(recorder.RefusalBehind(new HttpRequestException("x", new System.Security.Authentication.AuthenticationException("y"))));
    }

    [Fact]
    public void A_certificate_problem_describes_each_fault_in_one_sentence()
    {
        var at = new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);
        CertificateProblem Problem(params CertificateFault[] faults) =>
            new("s3.internal", 8443, faults, ["storage.example.com", "10.0.0.5"], "CN=Corp CA", at.AddYears(-1), at, "NotSignatureValid: bad signature");
        Assert.Equal("the TLS certificate of s3.internal:8443 is not trusted (issued by \"CN=Corp CA\", which is not a trusted CA)",
            Problem(CertificateFault.Untrusted).Describe());
        Assert.Equal("the TLS certificate of s3.internal:8443 expired on 2026-01-31 12:00 UTC and is for storage.example.com, 10.0.0.5, not s3.internal",
            Problem(CertificateFault.Expired, CertificateFault.WrongName).Describe());
        Assert.Equal("the TLS certificate of s3.internal:8443 is not valid before 2025-01-31 12:00 UTC", Problem(CertificateFault.NotYetValid).Describe());
        Assert.Equal("the TLS certificate of s3.internal:8443 is invalid (NotSignatureValid: bad signature)", Problem(CertificateFault.Invalid).Describe());
        Assert.Equal("the server at s3.internal:8443 sent no TLS certificate", Problem(CertificateFault.Missing).Describe());
    }
}
