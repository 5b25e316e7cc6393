namespace SharedFs.Storage;

/// <summary>
/// At most N tasks running at once (the parts of one transfer). Starting a task waits for a free slot, so the
/// caller never holds more than N part buffers. The first failure cancels the others and is the one rethrown.
/// </summary>
internal sealed class TaskWindow : IAsyncDisposable
{
    private readonly int _limit;
    private readonly CancellationTokenSource _cancel;
    private readonly List<Task> _running = [];

    public TaskWindow(int limit, CancellationToken cancellationToken)
    {
        _limit = Math.Max(1, limit);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Cancelled when the caller cancels or when one of the tasks failed.</summary>
    public CancellationToken Token => _cancel.Token;

    public async Task WaitForSlotAsync()
    {
        while (_running.Count >= _limit)
            await CompleteOneAsync().ConfigureAwait(false);
    }

    /// <summary>Starts <paramref name="work"/>; call <see cref="WaitForSlotAsync"/> first.</summary>
    public void Start(Func<CancellationToken, Task> work)
    {
        var token = _cancel.Token;
        _running.Add(Task.Run(() => work(token), CancellationToken.None));
    }

    public async Task WhenAllAsync()
    {
        while (_running.Count > 0)
            await CompleteOneAsync().ConfigureAwait(false);
    }

    private async Task CompleteOneAsync()
    {
        var done = await Task.WhenAny(_running).ConfigureAwait(false);
        _running.Remove(done);
        try
        {
            await done.ConfigureAwait(false);
        }
        catch
        {
            await _cancel.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>After a failure: stops and waits for the others so that no part outlives the transfer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_running.Count > 0)
        {
            await _cancel.CancelAsync().ConfigureAwait(false);
            // The first failure was already reported: the others are only waited for.
            await Task.WhenAll(_running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _running.Clear();
        }
        _cancel.Dispose();
    }
}
