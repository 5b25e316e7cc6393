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
        var tasks = new List<Task>();
        for (var i = 0; i < 20; i++)
        {
            var step = i;
            tasks.Add(await queue.EnqueueBackgroundAsync("same", async () =>
            {
                if (Interlocked.Increment(ref running) > 1) overlapped = true;
                await Task.Delay(Random.Shared.Next(1, 5));
                log.Enqueue($"step {step}");
                Interlocked.Decrement(ref running);
            }));
        }
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
        var tasks = new List<Task>();
        for (var i = 0; i < 6; i++)
            tasks.Add(await queue.EnqueueBackgroundAsync($"key{i}", async () =>
            {
                var now = Interlocked.Increment(ref running);
                lock (queue) peak = Math.Max(peak, now);
                await release.Task;
                Interlocked.Decrement(ref running);
            }));
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
        var failing = await queue.EnqueueBackgroundAsync("k", () => throw new IOException("upload failed"));
        var ran = false;
        var next = await queue.EnqueueBackgroundAsync("k", () => { ran = true; return Task.CompletedTask; });
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
        _ = await queue.EnqueueBackgroundAsync("dir/a", () => inDirectory.Task);
        _ = await queue.EnqueueBackgroundAsync("other/b", () => elsewhere.Task);

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
    public async Task A_full_backlog_makes_the_next_caller_wait_for_room_without_holding_a_thread()
    {
        var queue = new WriteBackQueue(parallelism: 1, maxQueued: 2);
        var release = new TaskCompletionSource();
        _ = await queue.EnqueueBackgroundAsync("a", () => release.Task);
        _ = await queue.EnqueueBackgroundAsync("b", () => release.Task);
        Assert.Equal(2, queue.Backlog);

        var third = queue.EnqueueBackgroundAsync("c", () => Task.CompletedTask).AsTask();
        Assert.False(third.IsCompleted); // close() waits for room (without holding a thread)
        release.SetResult();
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
