using CliWrap;
using CliWrap.Buffered;
using SharedFs.Init.Tests.Support;

namespace SharedFs.Init.Tests.Configuration;

/// <summary>The real binary: one line on stderr, exit 2, no secret anywhere, nothing started.</summary>
public sealed class ConfigErrorProcessTests
{
    private const string Secret = "TopSecret:Value+42";

    public static TheoryData<string, string> BadVariables() => new()
    {
        { "SCALINGO_SHAREDFS_CREDENTIALS", "AKID:" + Secret + ":NOT_A_BUCKET" },
        { "SCALINGO_SHAREDFS_CREDENTIALS", Secret },
        { "SHAREDFS_ENDPOINT", "s3.example.com" },
        { "SHAREDFS_MOUNT", "storage" },
        { "SHAREDFS_READY_TIMEOUT", "forever" },
        { "SHAREDFS_STOP_TIMEOUT", "1 minute" },
        { "SHAREDFS_CACHE_TTL", "x" },
        { "SCALINGO_SHAREDFS_SYMLINKS", "../outside" },
        { "SHAREDFS_USER", "no-such-user-x" },
        { "SHAREDFS_USER", "daemon:no-such-group-x" },
        { "SHAREDFS_USER", "daemon:daemon:daemon" },
        { "SHAREDFS_USER", "12345" },
        { "SHAREDFS_SIGNATURE", "v3" },
    };

    [Theory]
    [MemberData(nameof(BadVariables))]
    public async Task Bad_variable_gives_exit_2_and_one_line_naming_it(string variable, string value)
    {
        string marker = Path.Combine(Directory.CreateTempSubdirectory("sharedfs-init-cfg-").FullName, "started");
        var environment = new Dictionary<string, string>
        {
            ["SCALINGO_SHAREDFS_CREDENTIALS"] = "AKID:" + Secret + ":my-bucket",
            ["SHAREDFS_ENDPOINT"] = "https://s3.example.com",
            [variable] = value,
        };
        var (exit, stdout, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["--", "touch", marker], environment);
        Assert.Equal(2, exit);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith($"sharedfs-init: {variable}: ", lines[0]);
        Assert.Contains("e.g.", lines[0]);
        Assert.DoesNotContain("TopSecret", stderr + stdout);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Starting_the_app_as_another_user_without_root_gives_exit_2_and_one_line_saying_so()
    {
        SharedFs.TestSupport.Requirements.Root();
        SharedFs.TestSupport.Requirements.Program("setpriv");
        BufferedCommandResult result = await Cli.Wrap("setpriv")
            .WithArguments(["--reuid=65534", "--regid=65534", "--clear-groups", InitBinary.Path, "--no-mount", "--user", "daemon", "--", "echo", "ran"])
            .WithWorkingDirectory("/")
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("sharedfs-init: --user: starting the app as another user needs root, and sharedfs-init runs as uid 65534", line);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task Bad_credentials_option_is_named_and_secret_not_printed()
    {
        var (exit, stdout, stderr) = await RunningInit.RunAsync(InitMode.Subreaper,
            ["--credentials", "AKID:" + Secret + ":x", "--endpoint", "http://localhost:9000", "--", "true"]);
        Assert.Equal(2, exit);
        Assert.StartsWith("sharedfs-init: --credentials: ", stderr);
        Assert.DoesNotContain("TopSecret", stderr + stdout);
    }

    [Fact]
    public async Task Missing_credentials_without_no_mount_fails_clearly()
    {
        var (exit, _, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["--", "true"]);
        Assert.Equal(2, exit);
        Assert.Contains("SCALINGO_SHAREDFS_CREDENTIALS: is not set", stderr);
    }

    [Theory]
    [InlineData("--help", "Usage:")]
    [InlineData("--version", "sharedfs-init 0.1.0")]
    public async Task Help_and_version_print_and_exit_0(string flag, string expected)
    {
        var (exit, stdout, _) = await RunningInit.RunAsync(InitMode.Subreaper, [flag]);
        Assert.Equal(0, exit);
        Assert.Contains(expected, stdout);
    }

    [Fact]
    public async Task S3cfg_prints_a_path_style_config_with_the_secret()
    {
        var (exit, stdout, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["s3cfg"], new Dictionary<string, string>
        {
            ["SCALINGO_SHAREDFS_CREDENTIALS"] = "AKID:" + Secret + ":my-bucket",
            ["SHAREDFS_ENDPOINT"] = "http://127.0.0.1:7480",
        });
        Assert.True(exit == 0, stderr);
        Assert.Contains("access_key = AKID\n", stdout);
        Assert.Contains($"secret_key = {Secret}\n", stdout);
        Assert.Contains("host_base = 127.0.0.1:7480\n", stdout);
        Assert.Contains("host_bucket = 127.0.0.1:7480\n", stdout);
        Assert.Contains("use_https = False\n", stdout);
    }

    [Theory]
    [InlineData("v2", "True")]
    [InlineData("v4", "False")]
    [InlineData(null, "False")]
    public async Task S3cfg_asks_s3cmd_for_signature_v2_only_when_v2_is_selected(string? signature, string expected)
    {
        var environment = new Dictionary<string, string>
        {
            ["SCALINGO_SHAREDFS_CREDENTIALS"] = "AKID:" + Secret + ":my-bucket",
            ["SHAREDFS_ENDPOINT"] = "https://s3.example.com",
        };
        if (signature is not null) environment["SHAREDFS_SIGNATURE"] = signature;
        var (exit, stdout, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["s3cfg"], environment);
        Assert.True(exit == 0, stderr);
        Assert.Contains($"\nsignature_v2 = {expected}\n", stdout);
        Assert.Contains("use_https = True\n", stdout);
    }
}
