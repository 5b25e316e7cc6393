using System.Diagnostics;
using System.Net.Sockets;

namespace SharedFs.Bench.NetProxy;

/// <summary>
/// One client connection and its upstream twin. Each direction is a <see cref="DelayedPipe"/>: bytes leave one
/// one-way delay after they arrived, in order. A new TCP connection costs one round trip before its first byte
/// goes anywhere, as the handshake does on a real network.
/// </summary>
internal static class Connection
{
    public static async Task RunAsync(Socket client, ProxyOptions options, RequestLog? log, CancellationToken stop)
    {
        var accepted = Stopwatch.GetTimestamp();
        using var _ = client;
        using var upstream = new Socket(options.Upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        foreach (var socket in new[] { client, upstream })
        {
            socket.NoDelay = true;
            // Room for a round trip of a fast transfer on each side (the kernel doubles what it is given).
            socket.ReceiveBufferSize = 4 << 20;
            socket.SendBufferSize = 4 << 20;
        }
        try
        {
            await upstream.ConnectAsync(options.Upstream, stop).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            await Console.Error.WriteLineAsync($"net-proxy: upstream {options.Upstream}: {e.SocketErrorCode}").ConfigureAwait(false);
            return;
        }
        var handshakeDone = accepted + (long)(options.RoundTrip.TotalSeconds * Stopwatch.Frequency);
        var counter = log is null ? null : new HttpRequestCounter(log);
        var up = new DelayedPipe(client, upstream, options.OneWay, handshakeDone, counter).RunAsync();
        var down = new DelayedPipe(upstream, client, options.OneWay, handshakeDone, null).RunAsync();
        await Task.WhenAll(up, down).ConfigureAwait(false);
    }
}
