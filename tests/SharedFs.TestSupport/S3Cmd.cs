using CliWrap;
using CliWrap.Buffered;

namespace SharedFs.TestSupport;

/// <summary>Runs the real s3cmd against the Ceph gateway, with a generated config (path style, no TLS).</summary>
public sealed class S3Cmd
{
    private readonly string _configPath;

    public S3Cmd(CephGateway gateway)
    {
        Requirements.Program("s3cmd");
        _configPath = Path.Combine(Path.GetTempPath(), $"sharedfs-s3cfg-{Guid.NewGuid():N}");
        var host = $"{gateway.Endpoint.Host}:{gateway.Endpoint.Port}";
        File.WriteAllText(_configPath, $"""
            [default]
            access_key = {gateway.AccessKey}
            secret_key = {gateway.SecretKey}
            host_base = {host}
            host_bucket = {host}
            use_https = {(gateway.Endpoint.Scheme == "https" ? "True" : "False")}
            signature_v2 = False
            bucket_location = {gateway.Region}
            """);
        File.SetUnixFileMode(_configPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Runs `s3cmd ARGS…`; throws with s3cmd's stderr when it fails.</summary>
    public async Task<string> RunAsync(params string[] arguments)
    {
        var result = await Cli.Wrap("s3cmd")
            .WithArguments(["-c", _configPath, .. arguments])
            // AWS_CA_BUNDLE is set on these machines and makes s3cmd try TLS settings it does not need.
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["AWS_CA_BUNDLE"] = null })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"s3cmd {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError}");
        return result.StandardOutput;
    }
}
