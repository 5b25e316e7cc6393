namespace SharedFs.Storage;

/// <summary>
/// What the store did, for `sharedfs-init status` and the mount's summary lines: calls by kind (GET, PUT, HEAD…),
/// failures by error kind, retries, bytes up and down, and the latency of the calls of the last minute (each call
/// counted once, retries included in its time). Thread-safe; cheap enough for every request.
/// </summary>
public sealed class RequestMeter
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxSamples = 100_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<StorageErrorKind, long> _failures = [];
    private readonly Queue<(long At, double Milliseconds)> _recent = new();
    private readonly TimeProvider _clock;
    private long _bytesUp, _bytesDown, _retries;

    public RequestMeter(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    public long BytesUp => Interlocked.Read(ref _bytesUp);
    public long BytesDown => Interlocked.Read(ref _bytesDown);
    public long Retries => Interlocked.Read(ref _retries);

    internal void Sent(long bytes) => Interlocked.Add(ref _bytesUp, bytes);
    internal void Received(long bytes) => Interlocked.Add(ref _bytesDown, bytes);
    internal void Retried() => Interlocked.Increment(ref _retries);

    internal void Finished(string operation, TimeSpan elapsed, StorageErrorKind? failure)
    {
        var now = _clock.GetTimestamp();
        lock (_lock)
        {
            _calls[operation] = _calls.GetValueOrDefault(operation) + 1;
            if (failure is { } kind) _failures[kind] = _failures.GetValueOrDefault(kind) + 1;
            _recent.Enqueue((now, elapsed.TotalMilliseconds));
            Trim(now);
        }
    }

    /// <summary>Totals since the start, and the last minute's latencies.</summary>
    public RequestFigures Snapshot()
    {
        var now = _clock.GetTimestamp();
        lock (_lock)
        {
            Trim(now);
            var latencies = _recent.Select(s => s.Milliseconds).Order().ToArray();
            return new RequestFigures(
                new Dictionary<string, long>(_calls, StringComparer.Ordinal),
                _failures.ToDictionary(f => f.Key.ToString(), f => f.Value, StringComparer.Ordinal),
                BytesUp, BytesDown, Retries, latencies.Length, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
        }
    }

    private void Trim(long now)
    {
        while (_recent.Count > 0 && (_recent.Count > MaxSamples || _clock.GetElapsedTime(_recent.Peek().At, now) > Window)) _recent.Dequeue();
    }

    private static double? Percentile(double[] sorted, double rank) =>
        sorted.Length == 0 ? null : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(rank * sorted.Length) - 1)];
}

/// <summary>The store's figures at one moment: totals since start, and the calls of the last minute.</summary>
public sealed record RequestFigures(
    IReadOnlyDictionary<string, long> Calls, IReadOnlyDictionary<string, long> Failures,
    long BytesUp, long BytesDown, long Retries, int CallsLastMinute, double? P50Milliseconds, double? P99Milliseconds)
{
    public long TotalCalls => Calls.Values.Sum();
    public long TotalFailures => Failures.Values.Sum();
}
