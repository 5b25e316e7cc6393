using System.Text;
using SharedFs.Init.Configuration;
using SharedFs.Storage;

namespace SharedFs.Init.Commands;

/// <summary>
/// "sharedfs-init s3cfg": a ready ~/.s3cfg for s3cmd, path-style. The one place that prints the secret, because
/// the user explicitly asked for a file that must contain it.
/// </summary>
internal static class S3cfgCommand
{
    public static int Run(InitSettings settings, TextWriter output)
    {
        output.Write(Render(settings));
        return 0;
    }

    public static string Render(InitSettings settings)
    {
        S3Credentials credentials = settings.Credentials
            ?? throw new ConfigException($"{Setting.Credentials.Variable}: is not set; e.g. {Setting.Credentials.Variable}={Setting.Credentials.Example}");
        Uri endpoint = settings.Endpoint
            ?? throw new ConfigException($"{Setting.Endpoint.Variable}: is not set; e.g. {Setting.Endpoint.Variable}={Setting.Endpoint.Example}");
        string host = endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port}";
        var text = new StringBuilder();
        text.Append("[default]\n");
        text.Append($"access_key = {credentials.AccessKeyId}\n");
        text.Append($"secret_key = {credentials.SecretAccessKey}\n");
        text.Append($"host_base = {host}\n");
        text.Append($"host_bucket = {host}\n"); // no %(bucket)s: path-style addressing
        text.Append($"use_https = {(endpoint.Scheme == "https" ? "True" : "False")}\n");
        text.Append($"bucket_location = {settings.Region}\n");
        text.Append($"signature_v2 = {(settings.Signature == SignatureVersion.V2 ? "True" : "False")}\n");
        text.Append($"# bucket: s3://{credentials.Bucket}\n");
        return text.ToString();
    }
}
