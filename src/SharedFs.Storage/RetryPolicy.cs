namespace SharedFs.Storage;

/// <summary>
/// Our own retry loop (the SDK's is switched off with MaxErrorRetry = 0) so that every request, including the
/// reading of a response body, gets the same bounds: each attempt is cancelled after RequestTimeout, transient
/// failures are retried up to MaxRetries times with exponential backoff and jitter, and the last failure
/// surfaces as a <see cref="StorageException"/>.
/// Worst case of a failing call: (MaxRetries + 1) × RequestTimeout + MaxRetries × RetryMaxDelay.
/// </summary>
internal sealed class RetryPolicy(int maxRetries, TimeSpan requestTimeout, TimeSpan baseDelay, TimeSpan maxDelay, string secretToHide,
    RequestMeter? meter = null)
{
    public int MaxRetries { get; } = Math.Max(0, maxRetries);

    /// <summary>Counts the retries made, for tests and diagnostics.</summary>
    public long RetryCount => Interlocked.Read(ref _retryCount);
    private long _retryCount;

    public async Task<T> ExecuteAsync<T>(string operation, string target, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            var result = await AttemptAsync(operation, target, attempt, cancellationToken).ConfigureAwait(false);
            meter?.Finished(operation, TimeProvider.System.GetElapsedTime(started), null);
            return result;
        }
        catch (StorageException e)
        {
            // A missing key is an answer, not a failure of the store.
            meter?.Finished(operation, TimeProvider.System.GetElapsedTime(started), e.Kind == StorageErrorKind.NotFound ? null : e.Kind);
            throw;
        }
    }

    private async Task<T> AttemptAsync<T>(string operation, string target, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            using var perAttempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            perAttempt.CancelAfter(requestTimeout);
            try
            {
                return await attempt(perAttempt.Token).ConfigureAwait(false);
            }
            catch (StorageException)
            {
                throw; // already decided (a nested call or a check of ours)
            }
            catch (Exception error)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var timedOut = perAttempt.IsCancellationRequested && error is OperationCanceledException;
                var transient = timedOut || S3ErrorMapper.IsTransient(error);
                if (!transient || attemptNumber > MaxRetries)
                {
                    var reported = timedOut ? new TimeoutException($"no answer within {requestTimeout.TotalSeconds:0.###} s", error) : error;
                    throw S3ErrorMapper.ToStorageException(reported, operation, target, attemptNumber, transient, secretToHide);
                }
                Interlocked.Increment(ref _retryCount);
                meter?.Retried();
                await Task.Delay(Backoff(attemptNumber), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task ExecuteAsync(string operation, string target, Func<CancellationToken, Task> attempt, CancellationToken cancellationToken) =>
        ExecuteAsync(operation, target, async token => { await attempt(token).ConfigureAwait(false); return true; }, cancellationToken);

    /// <summary>Equal jitter: half of the exponential step fixed, half random, so retries of parallel parts spread out.</summary>
    private TimeSpan Backoff(int attemptNumber)
    {
        var step = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attemptNumber - 1, 20));
        step = Math.Min(step, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(step / 2 + Random.Shared.NextDouble() * step / 2);
    }

    public TimeSpan WorstCase => requestTimeout * (MaxRetries + 1) + maxDelay * MaxRetries;
}
