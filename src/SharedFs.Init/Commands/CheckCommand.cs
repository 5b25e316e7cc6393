using SharedFs.Init.Configuration;
using SharedFs.Init.Logging;
using SharedFs.Init.Symlinks;

namespace SharedFs.Init.Commands;

/// <summary>
/// "sharedfs-init check": validates the configuration and the symlink paths and prints a summary (no secret).
/// Reaching the bucket is left for when SharedFs.Storage has an S3 client to call.
/// </summary>
internal static class CheckCommand
{
    public static int Run(InitSettings settings, Log log)
    {
        log.Info(settings.Credentials is { } c
            ? $"credentials: access key {c.AccessKeyId[..Math.Min(4, c.AccessKeyId.Length)]}..., bucket {c.Bucket}"
            : "credentials: none (--no-mount)");
        log.Info($"endpoint: {settings.Endpoint?.ToString() ?? "none"}, region {settings.Region}");
        log.Info($"mount: {settings.MountPath}, app root: {settings.AppRoot}");
        log.Info($"cache ttl {Log.FormatDuration(settings.CacheTtl)}, ready timeout {Log.FormatDuration(settings.ReadyTimeout)}, stop timeout {Log.FormatDuration(settings.StopTimeout)}");
        var problems = new SymlinkBuilder(settings.AppRoot, settings.MountPath, log).Preflight(settings.Symlinks);
        foreach (string problem in problems) log.Error($"{Setting.Symlinks.Variable}: {problem}");
        if (problems.Count == 0) log.Info($"symlinks: {(settings.Symlinks.Count == 0 ? "none" : string.Join(", ", settings.Symlinks))}");
        log.Info("bucket reachability: not checked yet (needs the S3 client of SharedFs.Storage)");
        return problems.Count == 0 ? 0 : 2;
    }
}
