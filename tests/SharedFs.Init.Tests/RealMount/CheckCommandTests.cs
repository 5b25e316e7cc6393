using System.Diagnostics;
using CliWrap.Buffered;
using SharedFs.Init.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Init.Tests.RealMount;

/// <summary>"sharedfs-init check" against the real gateway: list, write, read back, delete, with timings; never the secret.</summary>
[Collection(RealMountCollection.Name)]
public sealed class CheckCommandTests(TestBucket bucket) : IClassFixture<TestBucket>
{
    private const string BadSecret = "wrong-secret:for/the+check";

    private Dictionary<string, string> Environment(string? credentials = null, string? endpoint = null, string readyTimeout = "5s") => new()
    {
        ["SCALINGO_SHAREDFS_CREDENTIALS"] = credentials ?? bucket.Credentials,
        ["SHAREDFS_ENDPOINT"] = endpoint ?? bucket.Gateway.Endpoint.ToString(),
        ["SHAREDFS_MOUNT"] = "/tmp/sharedfs-check-not-mounted",
        ["SHAREDFS_APP_ROOT"] = Path.GetTempPath(),
        ["SHAREDFS_READY_TIMEOUT"] = readyTimeout,
    };

    [Fact]
    public async Task Good_configuration_reaches_the_bucket_and_reports_each_step_with_its_duration()
    {
        // A deadline only a hang reaches: the shared test gateway, busy with the other test projects, has taken over 5 s for one request.
        var (exit, stdout, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["check"], Environment(readyTimeout: "60s"), timeoutSeconds: 300);
        Assert.True(exit == 0, $"exit {exit}\n{stderr}");
        foreach (string step in new[] { "list:", "write: .sharedfs-check/", "read:", "delete:", "is readable and writable" })
        {
            string line = stderr.Split('\n').FirstOrDefault(l => l.Contains(step)) ?? throw new Xunit.Sdk.XunitException($"no \"{step}\" line:\n{stderr}");
            Assert.Matches(@"\((\d+ ms|\d+\.\d+ s)\)\s*$", line);
        }
        Assert.DoesNotContain(bucket.Gateway.SecretKey, stdout + stderr);
        Assert.Empty(await bucket.ListKeysAsync(".sharedfs-check/"));
    }

    /// <summary>With v2 the config makes s3cmd sign with V2, which the gateway checks: the config is right either way.</summary>
    [Theory]
    [InlineData("v4")]
    [InlineData("v2")]
    public async Task S3cfg_output_drives_a_real_s3cmd_to_list_put_and_get(string signature)
    {
        SharedFs.TestSupport.Requirements.Program("s3cmd");
        var environment = Environment();
        environment["SHAREDFS_SIGNATURE"] = signature;
        var (exit, config, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["s3cfg"], environment, timeoutSeconds: 30);
        Assert.True(exit == 0, $"exit {exit}\n{stderr}");
        Assert.Contains($"signature_v2 = {(signature == "v2" ? "True" : "False")}\n", config);
        using var folder = new TempDirectory("sharedfs-s3cfg");
        var configPath = folder.Combine("s3cfg");
        File.WriteAllText(configPath, config);
        await bucket.PutTextAsync($"exported-{signature}/by-the-app.txt", "from the mount side");
        File.WriteAllText(folder.Combine("imported.txt"), "imported with s3cmd");

        async Task<string> S3cmd(params string[] arguments)
        {
            var result = await CliWrap.Cli.Wrap("s3cmd").WithArguments(["-c", configPath, .. arguments])
                .WithEnvironmentVariables(new Dictionary<string, string?> { ["AWS_CA_BUNDLE"] = null })
                .WithValidation(CliWrap.CommandResultValidation.None)
                .ExecuteBufferedAsync();
            Assert.True(result.ExitCode == 0, $"s3cmd {string.Join(' ', arguments)}: {result.StandardError}");
            return result.StandardOutput;
        }

        Assert.Contains($"s3://{bucket.Name}/exported-{signature}/by-the-app.txt", await S3cmd("ls", "-r", $"s3://{bucket.Name}"));
        await S3cmd("put", folder.Combine("imported.txt"), $"s3://{bucket.Name}/imported-{signature}/imported.txt");
        Assert.Equal("imported with s3cmd", await bucket.GetTextAsync($"imported-{signature}/imported.txt"));
        await S3cmd("get", $"s3://{bucket.Name}/exported-{signature}/by-the-app.txt", folder.Combine("got.txt"));
        Assert.Equal("from the mount side", File.ReadAllText(folder.Combine("got.txt")));
    }

    public static TheoryData<string> Problems() => ["bad secret", "missing bucket", "closed port"];

    [Theory]
    [MemberData(nameof(Problems))]
    public async Task Problem_gives_a_non_zero_exit_and_a_clear_reason(string problem)
    {
        var (environment, expected) = problem switch
        {
            "bad secret" => (Environment(credentials: $"{bucket.Gateway.AccessKey}:{BadSecret}:{bucket.Name}"), "the access key or secret key is wrong"),
            "missing bucket" => (Environment(credentials: $"{bucket.Gateway.AccessKey}:{bucket.Gateway.SecretKey}:no-such-bucket-{Guid.NewGuid():N}"[..^12]), "there is no bucket"),
            _ => (Environment(endpoint: $"http://127.0.0.1:{RealMountWorkspace.ClosedPort()}"), "cannot be reached"),
        };
        var (exit, stdout, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["check"], environment, timeoutSeconds: 30);
        Assert.True(exit == 1, $"exit {exit}\n{stderr}");
        string error = Assert.Single(stderr.Split('\n'), l => l.Contains("error:"));
        Assert.Contains("check failed at step list", error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain(BadSecret, stdout + stderr);
        Assert.DoesNotContain(bucket.Gateway.SecretKey, stdout + stderr);
    }
}
