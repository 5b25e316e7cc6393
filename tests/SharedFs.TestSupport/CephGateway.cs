using System.Net;
using System.Net.Sockets;
using Amazon.S3;
using CliWrap;
using CliWrap.Buffered;

namespace SharedFs.TestSupport;

/// <summary>
/// The real S3 server of the tests: a single-node Ceph RADOS Gateway on 127.0.0.1, started once per test
/// process and stopped when it exits. When SHAREDFS_TEST_S3_ENDPOINT (with _ACCESS_KEY and _SECRET_KEY) is set,
/// as `make test` does to share one cluster between the test assemblies, that server is used instead; its https
/// endpoint and the private CA of its certificate then come from SHAREDFS_TEST_S3_HTTPS_ENDPOINT and _CA_FILE.
/// </summary>
public sealed class CephGateway
{
    private static readonly Lazy<CephGateway> Shared = new(StartOrReuse, LazyThreadSafetyMode.ExecutionAndPublication);

    public static CephGateway Instance => Shared.Value;

    public Uri Endpoint { get; }
    public string AccessKey { get; }
    public string SecretKey { get; }
    public string Region => "us-east-1";

    private readonly Uri? _httpsEndpoint;
    private readonly string? _caFile;

    private CephGateway(Uri endpoint, string accessKey, string secretKey, Uri? httpsEndpoint, string? caFile)
    {
        Endpoint = endpoint;
        AccessKey = accessKey;
        SecretKey = secretKey;
        _httpsEndpoint = httpsEndpoint;
        _caFile = caFile;
    }

    /// <summary>
    /// The same gateway over https, and the PEM file of the private CA that signed its certificate (for
    /// SSL_CERT_FILE). Fails loudly when a shared gateway was given without them.
    /// </summary>
    public (Uri Endpoint, string CaFile) Https =>
        _httpsEndpoint is not null && _caFile is not null && File.Exists(_caFile)
            ? (_httpsEndpoint, _caFile)
            : throw new RequirementMissingException(
                "the gateway has no https endpoint: SHAREDFS_TEST_S3_ENDPOINT is set without SHAREDFS_TEST_S3_HTTPS_ENDPOINT and " +
                "SHAREDFS_TEST_S3_CA_FILE (an existing file); start the gateway with tests/ceph/ceph-s3.sh, which prints https_endpoint= " +
                "and ca_file=, or unset SHAREDFS_TEST_S3_ENDPOINT to let the tests start their own");

    /// <summary>An AWSSDK client for test set-up and checks, with the settings the Ceph gateway needs.</summary>
    public AmazonS3Client CreateClient() => new(AccessKey, SecretKey, new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = Region,
        UseHttp = Endpoint.Scheme == "http",
        RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
    });

    private static CephGateway StartOrReuse()
    {
        var endpoint = Environment.GetEnvironmentVariable("SHAREDFS_TEST_S3_ENDPOINT");
        if (!string.IsNullOrEmpty(endpoint))
        {
            var https = Environment.GetEnvironmentVariable("SHAREDFS_TEST_S3_HTTPS_ENDPOINT");
            return new CephGateway(new Uri(endpoint),
                Environment.GetEnvironmentVariable("SHAREDFS_TEST_S3_ACCESS_KEY") ?? throw new RequirementMissingException("SHAREDFS_TEST_S3_ACCESS_KEY is not set"),
                Environment.GetEnvironmentVariable("SHAREDFS_TEST_S3_SECRET_KEY") ?? throw new RequirementMissingException("SHAREDFS_TEST_S3_SECRET_KEY is not set"),
                string.IsNullOrEmpty(https) ? null : new Uri(https),
                Environment.GetEnvironmentVariable("SHAREDFS_TEST_S3_CA_FILE") is { Length: > 0 } caFile ? caFile : null);
        }
        return StartOwnCluster();
    }

    private static CephGateway StartOwnCluster()
    {
        Requirements.Root();
        foreach (var program in new[] { "ceph-mon", "ceph-osd", "radosgw", "monmaptool", "curl", "openssl" })
            Requirements.Program(program);

        var dir = Path.Combine(Path.GetTempPath(), $"sharedfs-ceph-{Environment.ProcessId}");
        var portBase = FindFreePortBlock();
        const string accessKey = "SHAREDFSTESTKEY";
        var secretKey = "test-secret-" + Guid.NewGuid().ToString("N")[..12];
        var environment = new Dictionary<string, string?>
        {
            ["CEPH_S3_DIR"] = dir,
            ["CEPH_S3_PORT_BASE"] = portBase.ToString(),
            ["CEPH_S3_ACCESS_KEY"] = accessKey,
            ["CEPH_S3_SECRET_KEY"] = secretKey,
        };
        var result = Cli.Wrap(RepositoryPaths.CephScript).WithArguments("up").WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync().GetAwaiter().GetResult();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"the Ceph gateway did not start (exit {result.ExitCode}):\n{result.StandardError}");

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            Cli.Wrap(RepositoryPaths.CephScript).WithArguments("down").WithEnvironmentVariables(environment)
                .WithValidation(CommandResultValidation.None).ExecuteAsync().GetAwaiter().GetResult();

        string Printed(string name) => result.StandardOutput.Split('\n').Single(l => l.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..].Trim();
        return new CephGateway(new Uri(Printed("endpoint")), accessKey, secretKey, new Uri(Printed("https_endpoint")), Printed("ca_file"));
    }

    /// <summary>The script needs BASE, BASE+1, BASE+10..BASE+59, BASE+80 and BASE+81 free on 127.0.0.1.</summary>
    private static int FindFreePortBlock()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var candidate = Random.Shared.Next(20000, 60000);
            if (new[] { 0, 1, 80, 81 }.Concat(Enumerable.Range(10, 50)).All(offset => IsFree(candidate + offset)))
                return candidate;
        }
        throw new InvalidOperationException("no free block of ports on 127.0.0.1 for the Ceph gateway");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
