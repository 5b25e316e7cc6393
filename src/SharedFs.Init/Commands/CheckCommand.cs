using System.Diagnostics;
using System.Text;
using SharedFs.Init.Configuration;
using SharedFs.Init.Logging;
using SharedFs.Init.Mounting;
using SharedFs.Init.Symlinks;
using SharedFs.Storage;

namespace SharedFs.Init.Commands;

/// <summary>
/// "sharedfs-init check": validates the configuration and the symlink paths, then reaches the bucket through the
/// storage layer (list, write a probe object under <see cref="ProbePrefix"/>, read it back, delete it), one line
/// per step with its duration. Exit 0 when everything works, 2 for a configuration problem, 1 when the bucket
/// cannot be used (the line says why). The whole bucket part is bounded by the ready timeout. No secret printed.
/// </summary>
internal static class CheckCommand
{
    /// <summary>Reserved prefix of the probe objects (never left behind unless the delete itself fails).</summary>
    public const string ProbePrefix = ".sharedfs-check/";

    public const int BucketUnusable = 1;

    public static async Task<int> RunAsync(InitSettings settings, Log log)
    {
        log.Info(settings.Credentials is { } c
            ? $"credentials: access key {c.AccessKeyId[..Math.Min(4, c.AccessKeyId.Length)]}..., bucket {c.Bucket}"
            : "credentials: none (--no-mount)");
        log.Info($"endpoint: {settings.Endpoint?.ToString() ?? "none"}, region {settings.Region}, signature {settings.Signature.ToString().ToLowerInvariant()}");
        log.Info($"mount: {settings.MountPath}, app root: {settings.AppRoot}");
        if (settings.User is { } user) log.Info($"app user: {user}, home {user.Home}");
        log.Info($"cache ttl {Log.FormatDuration(settings.CacheTtl)}, ready timeout {Log.FormatDuration(settings.ReadyTimeout)}, stop timeout {Log.FormatDuration(settings.StopTimeout)}");
        var problems = new SymlinkBuilder(settings.AppRoot, settings.MountPath, log).Preflight(settings.Symlinks);
        foreach (string problem in problems) log.Error($"{Setting.Symlinks.Variable}: {problem}");
        if (problems.Count > 0) return Program.ConfigError;
        log.Info($"symlinks: {(settings.Symlinks.Count == 0 ? "none" : string.Join(", ", settings.Symlinks))}");
        if (settings.NoMount) return 0;

        var total = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(settings.ReadyTimeout);
        S3StoreOptions options = SharedFsMounter.ToStoreOptions(settings);
        using var store = new S3ObjectStore(options);
        string step = "list";
        try
        {
            await TimedAsync(log, "list: bucket answers", () => store.ListPageAsync("", "/", null, 1, timeout.Token), timeout.Token).ConfigureAwait(false);

            string key = ProbePrefix + Guid.NewGuid().ToString("N");
            byte[] content = Encoding.UTF8.GetBytes($"sharedfs-init check {DateTimeOffset.UtcNow:O}\n");
            step = "write";
            await TimedAsync(log, $"write: {key} ({content.Length} bytes)",
                () => store.UploadAsync(key, new MemoryStream(content), content.Length, ObjectWriteOptions.Empty, timeout.Token), timeout.Token).ConfigureAwait(false);
            step = "read";
            var readBack = new MemoryStream();
            try
            {
                await TimedAsync(log, "read: probe object read back", () => store.DownloadAsync(key, readBack, 0, timeout.Token), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception) when (!timeout.IsCancellationRequested)
            {
                await DeleteQuietlyAsync(store, key).ConfigureAwait(false);
                throw;
            }
            step = "delete";
            await TimedAsync(log, "delete: probe object removed", () => store.DeleteAsync(key, timeout.Token), timeout.Token).ConfigureAwait(false);
            if (!readBack.ToArray().AsSpan().SequenceEqual(content))
            {
                log.Error($"check failed at step read: the probe object read back from bucket {options.Bucket} differs from what was written " +
                          $"({readBack.Length} bytes instead of {content.Length})");
                return BucketUnusable;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            log.Error($"check failed at step {step}: bucket {options.Bucket} at {options.Endpoint} did not answer within {Log.FormatDuration(settings.ReadyTimeout)} " +
                      $"(raise {Setting.ReadyTimeout.Variable} if the storage is slow)");
            return BucketUnusable;
        }
        catch (StorageException e) when (e.Certificate is { } certificate)
        {
            log.Error($"check failed at step {step}: {CertificateHint.Line(certificate)}");
            return BucketUnusable;
        }
        catch (StorageException e)
        {
            log.Error($"check failed at step {step}: {Describe(e.Kind, options)} ({Log.Reason(e)})");
            return BucketUnusable;
        }
        log.Step($"bucket {options.Bucket} is readable and writable", total);
        return 0;
    }

    /// <summary>The likely cause, in the user's terms: what to fix.</summary>
    public static string Describe(StorageErrorKind kind, S3StoreOptions options) => kind switch
    {
        StorageErrorKind.InvalidCredentials => $"the access key or secret key is wrong for {options.Endpoint} (check {Setting.Credentials.Variable})",
        StorageErrorKind.AccessDenied => $"the keys are not allowed to use bucket {options.Bucket}",
        StorageErrorKind.NoSuchBucket => $"there is no bucket {options.Bucket} at {options.Endpoint}",
        StorageErrorKind.Unavailable => $"the storage endpoint {options.Endpoint} cannot be reached (check {Setting.Endpoint.Variable})",
        _ => $"bucket {options.Bucket} at {options.Endpoint} cannot be used",
    };

    private static async Task DeleteQuietlyAsync(S3ObjectStore store, string key)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await store.DeleteAsync(key, limit.Token).ConfigureAwait(false); }
        catch (Exception) { /* best effort: the read already failed and is what gets reported */ }
    }

    /// <summary>Runs one step, bounded by the token even if the call ignores it, and logs it with its duration.</summary>
    private static async Task TimedAsync(Log log, string done, Func<Task> action, CancellationToken token)
    {
        var watch = Stopwatch.StartNew();
        await action().WaitAsync(token).ConfigureAwait(false);
        log.Step(done, watch);
    }
}
