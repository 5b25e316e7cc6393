using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>
/// Write-back: close() and unlink() return once the change is recorded on this mount, and the upload or delete
/// runs at once in the background (<see cref="WriteBackQueue"/>: parallel across keys, in order per key).
/// fsync(), fsync of a directory, rename, rmdir and the shutdown flush wait for it. Unless write-back is on
/// (<see cref="WriteBackMode.On"/>, for bulk imports), close() and unlink() wait too and report the failure. A background upload that fails stays staged and dirty, and is retried with a growing delay until it
/// lands or the mount is flushed at shutdown.
/// </summary>
internal sealed partial class SharedFileSystem
{
    private const int BackgroundParallelism = 16;

    /// <summary>
    /// Makes one close or unlink: <paramref name="change"/> is told whether to only queue it (write-back on, an
    /// explicit choice for bulk imports) or to wait until the bucket has it (the default).
    /// </summary>
    private void Change(Action<bool> change) => change(_writeBack == WriteBackMode.On);

    private const int MaxBackgroundBacklog = 512;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);

    private readonly WriteBackQueue _queue = new(BackgroundParallelism, MaxBackgroundBacklog);
    private readonly PendingDeletes _deleting = new();
    private readonly CancellationTokenSource _stopping = new();
    // Serialises what an upload finishing in the background tells the caches with what an unlink tells them.
    private readonly Lock _publishing = new();

    /// <summary>
    /// Queues the upload of a dirty file unless one is queued already. A close waits for room in the backlog;
    /// work queued from the background (a retry, a follow-up upload) never waits, or a full backlog would wait
    /// for itself.
    /// </summary>
    private void ScheduleUpload(OpenFile file, int failures = 0, bool fromBackground = false)
    {
        if (!file.IsDirty || !file.TryMarkUploadScheduled()) return;
        _queue.Enqueue(file.Key, () => BackgroundUploadAsync(file, failures), background: !fromBackground);
    }

    private Task BackgroundUploadAsync(OpenFile file, int failures)
    {
        file.ClearUploadScheduled();
        try
        {
            // Already on a pool thread of the queue: no further hop (each costs a context switch).
            Upload(file);
        }
        catch (Exception e)
        {
            var delay = RetryDelay(failures);
            FsLog.Warn($"upload of {file.Path} failed, kept staged, retried in {delay.TotalSeconds:0} s: {Describe(e)}");
            ScheduleRetry(file, failures + 1, delay);
            return Task.CompletedTask;
        }
        // Changed while on the wire and closed since: nobody else will queue the next upload.
        if (file.IsDirty && file.OpenCount == 0) ScheduleUpload(file, fromBackground: true);
        else _open.Retire(file);
        return Task.CompletedTask;
    }

    private void ScheduleRetry(OpenFile file, int failures, TimeSpan delay)
    {
        _ = Task.Delay(delay, _stopping.Token).ContinueWith(t =>
        {
            if (!t.IsCanceled) ScheduleUpload(file, failures, fromBackground: true);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks << Math.Min(failures, 10)));

    /// <summary>Uploads now, after whatever is queued for the file's key, and waits; a failure is thrown.</summary>
    private void UploadNow(OpenFile file)
    {
        if (!file.IsDirty) return;
        Wait(_queue.Enqueue(file.Key, () => Task.Run(() => Upload(file)), background: false));
    }

    /// <summary>
    /// Deletes a file's object (the caller has added it to <see cref="_deleting"/>, so this mount shows it gone
    /// at once): in the background in write-back mode, else now. A DELETE queued for a key always lands before a
    /// later upload of the same key.
    /// </summary>
    private void QueueDelete(string key) => Change(deferred =>
    {
        var task = _queue.Enqueue(key, async () =>
        {
            try
            {
                await _store.DeleteAsync(key).ConfigureAwait(false);
            }
            catch (Exception e) when (deferred)
            {
                // Only the log can tell: unlink() returned long ago. The object stays, and shows again.
                FsLog.Warn($"delete of {key} failed, the object is still in the bucket: {Describe(e)}");
            }
            finally
            {
                _deleting.Remove(key);
            }
        }, background: deferred);
        if (!deferred) Wait(task);
    });

    /// <summary>Before a change made now on a key (copy, symlink, marker): what is queued for it lands first.</summary>
    private void Settle(string key) => Wait(_queue.WhenIdle(key));

    /// <summary>Before a change to a whole prefix (rename or removal of a directory).</summary>
    private void SettleBelow(string prefix) => Wait(_queue.WhenIdleBelow(prefix));

    /// <summary>fsync of a directory: everything queued at or below it is in the bucket when it returns 0.</summary>
    public override int FSyncDirectory(string path, bool dataOnly, ref OpenInfo info) => Guard("fsyncdir", path, () =>
    {
        var failures = UploadAll(_open.DirtyBelow(path));
        SettleBelow(ObjectKeys.IsRoot(path) ? "" : ObjectKeys.FileKey(path));
        return failures == 0 ? 0 : -Errno.EIO;
    });

    /// <summary>Uploads every dirty file and waits for every queued delete; returns how many files could not be uploaded.</summary>
    public int FlushAll()
    {
        var failures = UploadAll(_open.Dirty());
        Wait(_queue.WhenAllIdle());
        return failures;
    }

    /// <summary>Uploads the given files in parallel (each after its key's queue); returns the number that failed.</summary>
    private int UploadAll(List<OpenFile> files)
    {
        var uploads = files.Select(file => (File: file,
            Task: _queue.Enqueue(file.Key, () => Task.Run(() => Upload(file)), background: false))).ToList();
        var failures = 0;
        foreach (var (file, task) in uploads)
        {
            try
            {
                Wait(task);
                _open.Retire(file);
            }
            catch (Exception e)
            {
                failures++;
                FsLog.Warn($"flush {file.Path}: upload failed: {Describe(e)}");
            }
        }
        return failures;
    }

    private const int MaxPendingConfirmations = 20_000;
    private static readonly TimeSpan ConfirmationDelay = TimeSpan.FromSeconds(2.2);
    private static readonly TimeSpan QuietBeforeConfirming = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan MaxConfirmationDeferral = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _confirming = new(4, 4);
    private int _pendingConfirmations;

    /// <summary>
    /// A file this mount uploaded is asked about once more a little later, off the critical path: a HEAD answered
    /// two seconds after its Last-Modified lets later listings prove it unchanged (<see cref="MetadataCache"/>),
    /// so that its stat, ls -l or unlink after the TTL needs no request of its own.
    /// </summary>
    private void ScheduleConfirmation(string path, string key, string? etag)
    {
        if (Interlocked.Increment(ref _pendingConfirmations) > MaxPendingConfirmations)
        {
            Interlocked.Decrement(ref _pendingConfirmations);
            return;
        }
        _ = ConfirmLaterAsync(path, key, etag);
    }

    /// <summary>
    /// Confirmations yield to queued uploads: the server's time goes to them first. They wait at most
    /// <see cref="MaxConfirmationDeferral"/>.
    /// </summary>
    private async Task WaitForQuietAsync()
    {
        var deadline = DateTime.UtcNow + MaxConfirmationDeferral;
        while (_queue.Backlog > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(QuietBeforeConfirming, _stopping.Token).ConfigureAwait(false);
    }

    private async Task ConfirmLaterAsync(string path, string key, string? etag)
    {
        try
        {
            await Task.Delay(ConfirmationDelay, _stopping.Token).ConfigureAwait(false);
            await WaitForQuietAsync().ConfigureAwait(false);
            await _confirming.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                if (_open.Find(path) is { IsDirty: true } || _deleting.Contains(key)) return;
                var info = await _store.HeadAsync(key, _stopping.Token).ConfigureAwait(false);
                if (info is null || info.ETag != etag) return;
                RememberFile(path, info);
            }
            finally
            {
                _confirming.Release();
            }
        }
        catch (Exception)
        {
            // Only an optimisation: without it, the next lookup asks with a HEAD.
        }
        finally
        {
            Interlocked.Decrement(ref _pendingConfirmations);
        }
    }

    /// <summary>Ends the background retries (after the last flush, before the store goes away).</summary>
    public void StopBackgroundWork()
    {
        _stopping.Cancel();
        Wait(_queue.WhenAllIdle());
    }

    private static string Describe(Exception e) =>
        (e is AggregateException { InnerException: { } inner } ? inner : e).Message;
}
