using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace SharedFs.Bench.NetProxy;

/// <summary>
/// Copies one direction of a connection, each chunk sent <c>delay</c> after it was received (never before
/// <c>notBefore</c>), keeping order. Two threads with blocking sockets: the reader stamps and queues chunks, the
/// writer sleeps until each is due (nanosleep: a tenth of a millisecond off at worst, where timers drift by one)
/// and sends it. At most 64 chunks of 1 MiB wait at once: beyond that the reader stops and TCP's own flow control
/// slows the sender, as a real link with a bounded buffer would. With no delay, one thread copies directly.
/// </summary>
internal sealed class DelayedPipe(Socket from, Socket to, TimeSpan delay, long notBefore, HttpRequestCounter? counter)
{
    private const int ChunkSize = 1 << 20;
    private readonly BlockingCollection<(byte[] Buffer, int Length, long Due)> _chunks = new(64);
    private readonly long _delayTicks = (long)(delay.TotalSeconds * Stopwatch.Frequency);

    public Task RunAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_delayTicks == 0 && Stopwatch.GetTimestamp() >= notBefore)
        {
            Start("copy", () => { Copy(); done.TrySetResult(); });
            return done.Task;
        }
        var writerDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Start("read", Read);
        Start("write", () => { Write(); done.TrySetResult(); });
        return done.Task;
    }

    private static void Start(string name, Action body) =>
        new Thread(() => body()) { IsBackground = true, Name = "net-proxy " + name }.Start();

    private void Copy()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (true)
            {
                var read = from.Receive(buffer);
                if (read == 0) break;
                counter?.Observe(buffer.AsSpan(0, read));
                SendAll(buffer, read);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Close();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Read()
    {
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                int read;
                try
                {
                    read = from.Receive(buffer);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    read = 0;
                }
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                var now = Stopwatch.GetTimestamp();
                counter?.Observe(buffer.AsSpan(0, read));
                _chunks.Add((buffer, read, Math.Max(now, notBefore) + _delayTicks));
            }
        }
        finally
        {
            _chunks.CompleteAdding();
        }
    }

    private void Write()
    {
        try
        {
            foreach (var (buffer, length, due) in _chunks.GetConsumingEnumerable())
            {
                try
                {
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.Zero) Thread.Sleep(wait);
                    SendAll(buffer, length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The other side went away: so does this direction (and the reader, blocked on the same connection).
            Close();
            foreach (var (buffer, _, _) in _chunks.GetConsumingEnumerable()) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void SendAll(byte[] buffer, int length)
    {
        for (var sent = 0; sent < length;) sent += to.Send(buffer, sent, length - sent, SocketFlags.None);
    }

    private void Close()
    {
        from.Close();
        to.Close();
    }
}
