using System.Net;
using System.Net.Sockets;
using Amazon.S3;
using CliWrap;
using CliWrap.Buffered;

namespace SharedFs.TestSupport;

/// <summary>
/// The real S3 server of the tests: a single-node Ceph RADOS Gateway on 127.0.0.1, started once per test
/// process and stopped when it exits. When SHAREDFS_TEST_S3_ENDPOINT (with _ACCESS_KEY and _SECRET_KEY) is set,
/// as `make test` does to share one cluster between the test assemblies, that server is used instead.
/// </summary>
public sealed class CephGateway
{
    private static readonly Lazy<CephGateway> Shared = new(StartOrReuse, LazyThreadSafetyMode.ExecutionAndPublication);

    public static CephGateway Instance => Shared.Value;

    public Uri Endpoint { get; }
    public string AccessKey { get; }
    public string SecretKey { get; }
    public string Region => "us-east-1";

    private CephGateway(Uri endpoint, string accessKey, string secretKey)
    {
        Endpoint = endpoint;
        AccessKey = accessKey;
        SecretKey = secretKey;
    }

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
            return new CephGateway(new Uri(endpoint),
                Environment.GetEnvironmentVariable("SHAREDFS_TEST_S3_ACCESS_KEY") ?? throw new RequirementMissingException("SHAREDFS_TEST_S3_ACCESS_KEY is not set"),
                Environment.GetEnvironmentVariable("SHAREDFS_TEST_S3_SECRET_KEY") ?? throw new RequirementMissingException("SHAREDFS_TEST_S3_SECRET_KEY is not set"));
        }
        return StartOwnCluster();
    }

    private static CephGateway StartOwnCluster()
    {
        Requirements.Root();
        foreach (var program in new[] { "ceph-mon", "ceph-osd", "radosgw", "monmaptool", "curl" })
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

        var endpointLine = result.StandardOutput.Split('\n').Single(l => l.StartsWith("endpoint=", StringComparison.Ordinal));
        return new CephGateway(new Uri(endpointLine["endpoint=".Length..].Trim()), accessKey, secretKey);
    }

    /// <summary>The script needs BASE..BASE+80 free on 127.0.0.1.</summary>
    private static int FindFreePortBlock()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var candidate = Random.Shared.Next(20000, 60000);
            if (new[] { 0, 1, 80 }.Concat(Enumerable.Range(10, 50)).All(offset => IsFree(candidate + offset)))
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
