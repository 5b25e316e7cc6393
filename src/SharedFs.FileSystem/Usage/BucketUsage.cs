using SharedFs.Storage;

namespace SharedFs.FileSystem.Usage;

/// <summary>
/// How many bytes the bucket holds, for df and for the plan's quota. A listing of the whole bucket, in the
/// background (start-up never waits for it), gives the figure; this mount's own uploads and deletes keep it current
/// at once; the listing is repeated every <see cref="RelistInterval"/> for what the other containers changed.
/// </summary>
internal sealed class BucketUsage(IObjectStore store, TimeProvider clock, long? quota)
{
    /// <summary>How often the bucket is listed again (other containers' changes): a 10 000-object bucket is 10 requests.</summary>
    public static readonly TimeSpan RelistInterval = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan RefusalLogInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private long _listed;
    private long _ownChanges;
    private long _lastRefusalLogged = long.MinValue;

    public long? Quota { get; } = quota;

    /// <summary>True once a whole listing has completed (before it, only this mount's own changes are counted).</summary>
    public bool Counted { get; private set; }

    public long Used
    {
        get
        {
            lock (_lock) return Math.Max(0, _listed + _ownChanges);
        }
    }

    /// <summary>An object of this mount went from <paramref name="before"/> bytes (0: new) to <paramref name="after"/> (0: removed).</summary>
    public void Changed(long before, long after)
    {
        if (before == after) return;
        lock (_lock) _ownChanges += after - before;
    }

    /// <summary>
    /// Whether <paramref name="growth"/> more bytes would take the bucket past the quota; a refusal is logged (once a
    /// minute at most: a writer refused at every write() must not flood the log).
    /// </summary>
    public bool WouldExceed(long growth, string what)
    {
        if (Quota is not { } limit || growth <= 0) return false;
        var used = Used;
        if (used + growth <= limit) return false;
        var now = clock.GetTimestamp();
        lock (_lock)
        {
            if (_lastRefusalLogged != long.MinValue && clock.GetElapsedTime(_lastRefusalLogged, now) < RefusalLogInterval) return true;
            _lastRefusalLogged = now;
        }
        FsLog.Warn($"quota: {what} refused with ENOSPC: {Size(used)} of SHAREDFS_QUOTA={Size(limit)} used, {Size(growth)} more asked " +
            "(delete files, or raise the plan and SHAREDFS_QUOTA)");
        return true;
    }

    /// <summary>Lists the bucket now and then every <see cref="RelistInterval"/>, until <paramref name="stopping"/>.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await CountAsync(stopping).ConfigureAwait(false);
            }
            catch (StorageException e)
            {
                FsLog.Warn($"usage: the bucket could not be listed to count its bytes (df may be behind): {e.Message}");
            }
            try
            {
                await Task.Delay(RelistInterval, clock, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One whole listing; the own changes made while it ran may be counted twice until the next one.</summary>
    public async Task CountAsync(CancellationToken cancellationToken)
    {
        long ownAtStart;
        lock (_lock) ownAtStart = _ownChanges;
        long total = 0;
        string? token = null;
        do
        {
            var page = await store.ListPageAsync("", null, token, 1000, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Objects) total += item.Size;
            token = page.NextContinuationToken;
        }
        while (token is not null);
        lock (_lock)
        {
            _listed = total;
            _ownChanges -= ownAtStart;
            Counted = true;
        }
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1 << 20):0.0} MiB",
        _ => $"{bytes} bytes",
    };
}
