namespace SharedFs.FileSystem;

/// <summary>
/// Storage work that runs after the FUSE call that asked for it has returned (the upload of a closed file, a
/// delete): in parallel across object keys, strictly in order for one key (a DELETE queued before a PUT of the
/// same key lands first). Work is admitted only while fewer than <c>maxQueued</c> items wait, so a burst of
/// closes cannot queue more than a shutdown can finish. Barriers wait for the work queued so far on
/// one key, below a key prefix, or everywhere. Knows nothing of files: it orders and bounds tasks.
/// </summary>
internal sealed class WriteBackQueue(int parallelism, int maxQueued)
{
    private readonly Lock _lock = new();
    // The last task queued for each key; each task starts after its predecessor, so this tail is the key's barrier.
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _running = new(parallelism, parallelism);
    private readonly SemaphoreSlim _room = new(maxQueued, maxQueued);

    /// <summary>Background items queued or running (for diagnostics and tests).</summary>
    public int Backlog => maxQueued - _room.CurrentCount;

    /// <summary>
    /// Queues <paramref name="work"/> (a write-back close or unlink) after everything already queued for
    /// <paramref name="key"/>, once there is room in the backlog (waited for without holding a thread); the result is
    /// the work's task, faulted when the work fails.
    /// </summary>
    public async ValueTask<Task> EnqueueBackgroundAsync(string key, Func<Task> work)
    {
        await _room.WaitAsync().ConfigureAwait(false);
        Task task;
        lock (_lock)
        {
            var previous = _tails.GetValueOrDefault(key) ?? Task.CompletedTask;
            // Task.Run: the work never starts inside this lock, even when the key is idle and a slot is free.
            task = Task.Run(() => RunAfterAsync(previous, work));
            _tails[key] = task;
        }
        _ = task.ContinueWith(_ => Finished(key, task), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private async Task RunAfterAsync(Task previous, Func<Task> work)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _running.WaitAsync().ConfigureAwait(false);
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            _running.Release();
        }
    }

    private void Finished(string key, Task task)
    {
        lock (_lock)
        {
            if (_tails.TryGetValue(key, out var tail) && ReferenceEquals(tail, task)) _tails.Remove(key);
        }
        _room.Release();
    }

    /// <summary>Completes when the work queued so far for <paramref name="key"/> has run (failures are not rethrown).</summary>
    public Task WhenIdle(string key)
    {
        lock (_lock) return Quietly(_tails.GetValueOrDefault(key));
    }

    /// <summary>Completes when the work queued so far for every key starting with <paramref name="prefix"/> has run.</summary>
    public Task WhenIdleBelow(string prefix)
    {
        lock (_lock)
        {
            return Task.WhenAll(_tails.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(t => Quietly(t.Value)).ToList());
        }
    }

    /// <summary>Completes when everything queued so far has run.</summary>
    public Task WhenAllIdle() => WhenIdleBelow("");

    private static Task Quietly(Task? task) => task is null
        ? Task.CompletedTask
        : task.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
