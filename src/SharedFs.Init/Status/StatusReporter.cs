using SharedFs.FileSystem;
using SharedFs.Init.Logging;
using SharedFs.Storage;

namespace SharedFs.Init.Status;

/// <summary>
/// While a mount runs: its figures go to the status file every <see cref="FileInterval"/>, a summary line goes to
/// the log every minute in which requests were made, and a warning line when requests of that minute failed or
/// were slow (p99 over <see cref="SlowP99"/>). The status file goes away with the reporter.
/// </summary>
internal sealed class StatusReporter : IAsyncDisposable
{
    public static readonly TimeSpan FileInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan SlowP99 = TimeSpan.FromSeconds(2);

    private readonly TimeSpan _fileInterval, _summaryInterval;
    private readonly Func<MountFigures> _figures;
    private readonly string _path, _mountPoint, _bucket;
    private readonly Log _log;
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private RequestFigures? _lastSummary;

    /// <param name="fileInterval">Tests only: another rhythm than <see cref="FileInterval"/>.</param>
    /// <param name="summaryInterval">Tests only: another rhythm than <see cref="SummaryInterval"/>.</param>
    public StatusReporter(Func<MountFigures> figures, string path, string mountPoint, string bucket, Log log,
        TimeSpan? fileInterval = null, TimeSpan? summaryInterval = null)
    {
        (_figures, _path, _mountPoint, _bucket, _log) = (figures, path, mountPoint, bucket, log);
        (_fileInterval, _summaryInterval) = (fileInterval ?? FileInterval, summaryInterval ?? SummaryInterval);
        _loop = RunAsync();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(_fileInterval);
        var nextSummary = DateTimeOffset.UtcNow + _summaryInterval;
        do
        {
            var figures = _figures();
            var now = DateTimeOffset.UtcNow;
            try
            {
                StatusFile.Write(_path, StatusSnapshot.ToJson(_mountPoint, _bucket, _started, now, figures));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.Warning($"status: cannot write {_path}: {e.Message}");
            }
            if (now >= nextSummary)
            {
                nextSummary = now + _summaryInterval;
                Summarize(figures);
            }
        }
        while (await NextTickAsync(timer).ConfigureAwait(false));
    }

    private async Task<bool> NextTickAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false; // the mount is going away
        }
    }

    /// <summary>One line for a minute in which something happened; a warning when that minute's requests failed or were slow.</summary>
    private void Summarize(MountFigures figures)
    {
        if (figures.Requests is not { } now) return;
        var before = _lastSummary;
        _lastSummary = now;
        var calls = now.TotalCalls - (before?.TotalCalls ?? 0);
        if (calls == 0) return;
        var failures = now.TotalFailures - (before?.TotalFailures ?? 0);
        var kinds = string.Join(", ", now.Calls.Select(c => (c.Key, Count: c.Value - (before?.Calls.GetValueOrDefault(c.Key) ?? 0)))
            .Where(c => c.Count > 0).OrderByDescending(c => c.Count).Select(c => $"{c.Key} {c.Count}"));
        _log.Info($"last minute: {calls} request(s) ({kinds}), {failures} failed, {StatusText.Bytes(now.BytesUp - (before?.BytesUp ?? 0))} up, " +
                  $"{StatusText.Bytes(now.BytesDown - (before?.BytesDown ?? 0))} down, p50 {StatusText.Ms(now.P50Milliseconds)}, p99 {StatusText.Ms(now.P99Milliseconds)}; " +
                  $"{figures.OpenFiles} file(s) open, {figures.LocalFiles} not in the bucket yet");
        if (failures > 0)
        {
            var failed = string.Join(", ", now.Failures.Select(f => (f.Key, Count: f.Value - (before?.Failures.GetValueOrDefault(f.Key) ?? 0)))
                .Where(f => f.Count > 0).Select(f => $"{f.Key} {f.Count}"));
            _log.Warning($"{failures} storage request(s) failed in the last minute ({failed}): the app got EIO or ENOSPC for them; see the lines above");
        }
        if (now.P99Milliseconds is { } p99 && p99 > SlowP99.TotalMilliseconds)
            _log.Warning($"storage requests are slow: p99 {StatusText.Ms(p99)} over the last minute (p50 {StatusText.Ms(now.P50Milliseconds)})");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            File.Delete(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Warning($"status: cannot remove {_path}: {e.Message}");
        }
        _stop.Dispose();
    }
}
