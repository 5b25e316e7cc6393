using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;

namespace SharedFs.Bench.NetProxy;

/// <summary>
/// Copies one direction of a connection, each chunk sent <c>delay</c> after it was received (never before
/// <c>notBefore</c>), keeping order. At most 64 chunks of 256 KiB wait at once: beyond that the reader stops and
/// TCP's own flow control slows the sender, as a real link with a bounded buffer would.
/// </summary>
internal sealed class DelayedPipe(Socket from, Socket to, TimeSpan delay, long notBefore, HttpRequestCounter? counter)
{
    private const int ChunkSize = 1 << 20;
    private readonly Channel<(byte[] Buffer, int Length, long Due)> _chunks =
        Channel.CreateBounded<(byte[], int, long)>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
    private readonly long _delayTicks = (long)(delay.TotalSeconds * Stopwatch.Frequency);

    public async Task RunAsync(CancellationToken stop)
    {
        var reading = ReadAsync(stop);
        var writing = WriteAsync(stop);
        await Task.WhenAll(reading, writing).ConfigureAwait(false);
    }

    private async Task ReadAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                int read;
                try
                {
                    read = await from.ReceiveAsync(buffer, SocketFlags.None, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
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
                await _chunks.Writer.WriteAsync((buffer, read, Math.Max(now, notBefore) + _delayTicks), stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            _chunks.Writer.TryComplete();
        }
    }

    private async Task WriteAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var (buffer, length, due) in _chunks.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, stop).ConfigureAwait(false);
                    for (var sent = 0; sent < length;)
                        sent += await to.SendAsync(buffer.AsMemory(sent, length - sent), SocketFlags.None, stop).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The other side went away: so does this direction.
            from.Close();
        }
    }
}
