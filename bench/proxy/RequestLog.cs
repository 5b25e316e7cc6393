namespace SharedFs.Bench.NetProxy;

/// <summary>One line per request: wall-clock nanoseconds since the epoch, method, target (the bench's report reads it).</summary>
internal sealed class RequestLog : IAsyncDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();
    private readonly Timer _flusher;

    // Readers look at the log after each phase of a workload: it is never more than 100 ms behind.
    public RequestLog(string path)
    {
        _writer = new StreamWriter(path, append: true) { AutoFlush = false };
        _flusher = new Timer(_ => { lock (_lock) _writer.Flush(); }, null, 100, 100);
    }

    public void Write(string method, string target)
    {
        var ns = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        lock (_lock)
        {
            _writer.Write(ns);
            _writer.Write(' ');
            _writer.Write(method);
            _writer.Write(' ');
            _writer.WriteLine(target);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _flusher.DisposeAsync().ConfigureAwait(false);
        lock (_lock) _writer.Flush();
        await _writer.DisposeAsync().ConfigureAwait(false);
    }
}
