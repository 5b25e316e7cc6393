using System.Collections.Concurrent;

namespace SharedFs.FileSystem.Tests;

/// <summary>The queue under write-back, alone: order per key, parallelism across keys, barriers, the backlog bound.</summary>
public sealed class WriteBackQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Work_for_one_key_runs_in_order_and_never_overlaps()
    {
        var queue = new WriteBackQueue(parallelism: 8, maxQueued: 100);
        var log = new ConcurrentQueue<string>();
        var running = 0;
        var overlapped = false;
        var tasks = Enumerable.Range(0, 20).Select(i => queue.Enqueue("same", async () =>
        {
            if (Interlocked.Increment(ref running) > 1) overlapped = true;
            await Task.Delay(Random.Shared.Next(1, 5));
            log.Enqueue($"step {i}");
            Interlocked.Decrement(ref running);
        }, background: true)).ToList();
        await Task.WhenAll(tasks).WaitAsync(Patience);
        Assert.False(overlapped);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"step {i}"), log);
    }

    [Fact]
    public async Task Work_for_different_keys_runs_in_parallel_up_to_the_limit()
    {
        var queue = new WriteBackQueue(parallelism: 3, maxQueued: 100);
        var running = 0;
        var peak = 0;
        var release = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, 6).Select(i => queue.Enqueue($"key{i}", async () =>
        {
            var now = Interlocked.Increment(ref running);
            lock (queue) peak = Math.Max(peak, now);
            await release.Task;
            Interlocked.Decrement(ref running);
        }, background: true)).ToList();
        await WaitUntilAsync(() => Volatile.Read(ref running) == 3);
        await Task.Delay(100);
        Assert.Equal(3, Volatile.Read(ref running));
        release.SetResult();
        await Task.WhenAll(tasks).WaitAsync(Patience);
        Assert.Equal(3, peak);
    }

    [Fact]
    public async Task A_failure_is_its_own_callers_and_the_next_item_of_the_key_still_runs()
    {
        var queue = new WriteBackQueue(parallelism: 2, maxQueued: 10);
        var failing = queue.Enqueue("k", () => throw new IOException("upload failed"), background: false);
        var ran = false;
        var next = queue.Enqueue("k", () => { ran = true; return Task.CompletedTask; }, background: false);
        await Assert.ThrowsAsync<IOException>(() => failing.WaitAsync(Patience));
        await next.WaitAsync(Patience);
        Assert.True(ran);
        await queue.WhenIdle("k").WaitAsync(Patience); // barriers never rethrow
    }

    [Fact]
    public async Task Barriers_wait_for_what_is_queued_at_their_key_or_below_their_prefix_only()
    {
        var queue = new WriteBackQueue(parallelism: 4, maxQueued: 10);
        var inDirectory = new TaskCompletionSource();
        var elsewhere = new TaskCompletionSource();
        _ = queue.Enqueue("dir/a", () => inDirectory.Task, background: true);
        _ = queue.Enqueue("other/b", () => elsewhere.Task, background: true);

        var below = queue.WhenIdleBelow("dir/");
        var key = queue.WhenIdle("other/b");
        Assert.True(queue.WhenIdle("dir/unrelated").IsCompleted);
        await Task.Delay(50);
        Assert.False(below.IsCompleted);
        inDirectory.SetResult();
        await below.WaitAsync(Patience);
        Assert.False(key.IsCompleted);
        Assert.False(queue.WhenAllIdle().IsCompleted);
        elsewhere.SetResult();
        await queue.WhenAllIdle().WaitAsync(Patience);
        Assert.Equal(0, queue.Backlog);
    }

    [Fact]
    public async Task A_full_backlog_makes_the_next_background_caller_wait_but_not_a_waiting_caller()
    {
        var queue = new WriteBackQueue(parallelism: 1, maxQueued: 2);
        var release = new TaskCompletionSource();
        _ = queue.Enqueue("a", () => release.Task, background: true);
        _ = queue.Enqueue("b", () => release.Task, background: true);
        Assert.Equal(2, queue.Backlog);

        var third = Task.Factory.StartNew(() => queue.Enqueue("c", () => Task.CompletedTask, background: true), TaskCreationOptions.LongRunning);
        await Task.Delay(200);
        Assert.False(third.IsCompleted); // close() waits for room

        var synchronous = queue.Enqueue("d", () => Task.CompletedTask, background: false); // fsync does not
        release.SetResult();
        await synchronous.WaitAsync(Patience);
        await (await third.WaitAsync(Patience)).WaitAsync(Patience);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("condition not reached");
            await Task.Delay(10);
        }
    }
}
