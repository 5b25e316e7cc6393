using SharedFs.Init.Tests.Support;
using SharedFs.TestSupport;
using SharedFs.TestSupport.Tls;

namespace SharedFs.Init.Tests.RealMount;

/// <summary>
/// https end to end with the built sharedfs-init: the gateway's https endpoint with its private CA given through
/// SSL_CERT_FILE (which .NET reads on Linux, through OpenSSL's variable) mounts and works; a refused certificate
/// (untrusted, expired, for another name) stops `check` and the mount at once (one connection to the test's TLS
/// listener: nothing retried) with one line that says what is wrong and how to fix it.
/// </summary>
[Collection(RealMountCollection.Name)]
public sealed class CertificateRealMountTests(TestBucket bucket, BadCertificateServers servers)
    : IClassFixture<TestBucket>, IClassFixture<BadCertificateServers>
{
    [Fact]
    public async Task A_mount_over_https_works_end_to_end_with_the_private_CA_in_SSL_CERT_FILE()
    {
        var (https, caFile) = bucket.Gateway.Https;
        using var workspace = new RealMountWorkspace();
        await bucket.PutTextAsync("tls/before.txt", "put before the start");
        const string Script = """
            cat "$MOUNT/tls/before.txt" > "$OUT/before"
            mkdir -p "$MOUNT/tls/dir"
            printf 'written over https' > "$MOUNT/tls/dir/new file.txt"
            head -c 2000000 /dev/urandom > "$MOUNT/tls/dir/random.bin"
            cat "$MOUNT/tls/dir/new file.txt" > "$OUT/read"
            mv "$MOUNT/tls/dir/new file.txt" "$MOUNT/tls/dir/renamed.txt"
            ls -A "$MOUNT/tls/dir" > "$OUT/listing"
            """;
        using var init = RunningInit.Start(InitMode.Subreaper, ["--", "sh", "-ec", Script],
            workspace.Environment(bucket, ("SHAREDFS_ENDPOINT", https.ToString()), ("SSL_CERT_FILE", caFile)));
        int exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, $"exit {exit}\n{init.Stderr}");
        Assert.Contains($"at {https}", init.Stderr.Split('\n').Single(l => l.Contains("configuration:")));
        Assert.Equal("put before the start", File.ReadAllText(workspace.OutsideFile("before")));
        Assert.Equal("written over https", File.ReadAllText(workspace.OutsideFile("read")));
        Assert.Equal(["random.bin", "renamed.txt"], File.ReadAllLines(workspace.OutsideFile("listing")));
        Assert.Equal("written over https", await bucket.GetTextAsync("tls/dir/renamed.txt"));
        Assert.Equal(2_000_000, (await bucket.TryGetBytesAsync("tls/dir/random.bin"))?.Length);
        Assert.False(workspace.IsMounted, "the mount is still there after the init exited");
    }

    [Fact]
    public async Task Check_over_https_passes_with_the_private_CA_and_names_the_fix_without_it()
    {
        var (https, caFile) = bucket.Gateway.Https;
        using var workspace = new RealMountWorkspace();
        var environment = workspace.Environment(bucket, ("SHAREDFS_ENDPOINT", https.ToString()), ("SSL_CERT_FILE", caFile));
        var (exit, _, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["check"], environment, timeoutSeconds: 30);
        Assert.True(exit == 0, $"exit {exit}\n{stderr}");
        Assert.Contains("is readable and writable", stderr);

        environment.Remove("SSL_CERT_FILE");
        (exit, _, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["check"], environment, timeoutSeconds: 30);
        Assert.True(exit == 1, $"exit {exit}\n{stderr}");
        string line = Assert.Single(stderr.Split('\n'), l => l.Contains("error:"));
        Assert.Equal($"sharedfs-init: error: check failed at step list: the TLS certificate of 127.0.0.1:{https.Port} is not trusted " +
                     "(issued by \"CN=SharedFs test CA\", which is not a trusted CA); " +
                     "give the CA that signed it with SSL_CERT_FILE=/path/ca.pem (the system's CAs stay trusted)", line);
    }

    public static TheoryData<string, string, string> BadCertificates()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var command in new[] { "check", "mount", "init" })
        {
            data.Add("untrusted", command, "is not trusted (issued by \"CN=SharedFs unknown test CA\", which is not a trusted CA); " +
                                           "give the CA that signed it with SSL_CERT_FILE=/path/ca.pem (the system's CAs stay trusted)");
            data.Add("expired", command, " expired on ");
            data.Add("wrong-name", command, $"is for {BadCertificateServers.OtherName}, not 127.0.0.1; " +
                                            $"fix SHAREDFS_ENDPOINT to a name it is for, e.g. https://{BadCertificateServers.OtherName}:");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadCertificates))]
    public async Task A_bad_certificate_fails_at_once_with_one_line_that_says_what_is_wrong_and_the_fix(string fault, string command, string says)
    {
        var server = servers[fault];
        using var workspace = new RealMountWorkspace();
        var environment = workspace.Environment(bucket, ("SHAREDFS_ENDPOINT", server.Endpoint.ToString()), ("SSL_CERT_FILE", servers.CaFile));
        string[] args = command == "init" ? ["--", "touch", workspace.OutsideFile("app-started")] : [command];
        var connectionsBefore = server.Connections;

        var (exit, stdout, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, args, environment, timeoutSeconds: 30);

        Assert.True(exit == 1, $"exit {exit}\n{stderr}");
        string line = Assert.Single(stderr.Split('\n'), l => l.Contains("error:"));
        Assert.Contains($"the TLS certificate of 127.0.0.1:{server.Endpoint.Port} ", line);
        Assert.Contains(says, line);
        if (fault == "expired") Assert.Contains("renew the server's certificate", line);
        Assert.Equal(1, server.Connections - connectionsBefore);
        Assert.DoesNotContain(bucket.Gateway.SecretKey, stdout + stderr);
        Assert.False(workspace.IsMounted);
        Assert.False(File.Exists(workspace.OutsideFile("app-started")));
    }
}
