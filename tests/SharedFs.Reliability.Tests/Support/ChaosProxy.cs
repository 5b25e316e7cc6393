using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SharedFs.Reliability.Tests.Support;

/// <summary>What the proxy does to one S3 request.</summary>
public enum Chaos
{
    None,
    /// <summary>Waits <see cref="ChaosProxy.Delay"/> before forwarding.</summary>
    Delay,
    /// <summary>Resets the connection (RST) after reading the request head.</summary>
    Reset,
    /// <summary>Answers 500 InternalError.</summary>
    InternalError,
    /// <summary>Answers 503 SlowDown.</summary>
    SlowDown,
    /// <summary>Forwards, then cuts the answer in the middle of its body (RST).</summary>
    Truncate,
    /// <summary>Accepts and never answers (a black hole).</summary>
    Hang,
}

/// <summary>
/// A loopback HTTP/1.1 forwarder between a mount and the Ceph gateway that injects faults: one request per client
/// connection, forwarded with "Connection: close" so the gateway's answer ends it. It can be stopped entirely
/// (connection refused, live connections reset) and started again on the same port.
/// </summary>
public sealed class ChaosProxy : IAsyncDisposable
{
    private readonly Uri _upstream;
    private readonly ConcurrentDictionary<Socket, bool> _live = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();
    private Task _acceptLoop = Task.CompletedTask;
    private long _requests, _faults;

    /// <summary>Decides the fault of each request (method, target).</summary>
    public Func<string, string, Chaos> Rule { get; set; } = (_, _) => Chaos.None;
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(300);

    public Uri Endpoint { get; }
    public int Port { get; }
    public long RequestCount => Interlocked.Read(ref _requests);
    public long FaultCount => Interlocked.Read(ref _faults);

    public ChaosProxy(Uri upstream)
    {
        _upstream = upstream;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = new Uri($"http://127.0.0.1:{Port}/");
        Start();
    }

    public bool IsRunning => _listener is not null;

    /// <summary>Listens again on the same port.</summary>
    public void Start()
    {
        if (_listener is not null) return;
        _stop = new CancellationTokenSource();
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        for (var attempt = 0; ; attempt++)
        {
            try { listener.Start(); break; }
            catch (SocketException) when (attempt < 50) { Thread.Sleep(100); }
        }
        _listener = listener;
        _acceptLoop = AcceptLoopAsync(listener, _stop.Token);
    }

    /// <summary>Stops listening (new connections are refused) and resets every live connection.</summary>
    public async Task StopAsync()
    {
        if (_listener is null) return;
        await _stop.CancelAsync();
        _listener.Stop();
        _listener = null;
        foreach (var socket in _live.Keys)
        {
            try { socket.LingerState = new LingerOption(true, 0); socket.Close(); } catch (Exception) { }
        }
        try { await _acceptLoop; } catch (Exception) { }
    }

    /// <summary>Every Nth request gets the next fault of <paramref name="faults"/>, round robin.</summary>
    public static Func<string, string, Chaos> EveryNth(int n, params Chaos[] faults)
    {
        long counter = 0, next = 0;
        return (_, _) => Interlocked.Increment(ref counter) % n == 0 ? faults[(int)(Interlocked.Increment(ref next) % faults.Length)] : Chaos.None;
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptSocketAsync(stop); }
            catch (Exception) { return; }
            _live[client] = true;
            _ = Task.Run(() => ServeAsync(client, stop));
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        try
        {
            var (head, extra) = await ReadHeadAsync(client, stop);
            if (head is null) return;
            var lines = head.Split("\r\n");
            var requestLine = lines[0].Split(' ');
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1).Where(l => l.Contains(':')))
            {
                var colon = line.IndexOf(':');
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
            var bodyLength = headers.TryGetValue("Content-Length", out var cl) ? long.Parse(cl) : 0;
            Interlocked.Increment(ref _requests);
            var pendingBody = headers.ContainsKey("Expect") ? 0 : bodyLength - extra.Length;
            var chaos = Rule(requestLine[0], requestLine[1]);
            if (chaos != Chaos.None) Interlocked.Increment(ref _faults);
            switch (chaos)
            {
                case Chaos.InternalError:
                    await DrainAsync(client, pendingBody, stop);
                    await SendErrorAsync(client, 500, "Internal Server Error", "InternalError");
                    return;
                case Chaos.SlowDown:
                    await DrainAsync(client, pendingBody, stop);
                    await SendErrorAsync(client, 503, "Slow Down", "SlowDown");
                    return;
                case Chaos.Reset:
                    client.LingerState = new LingerOption(true, 0);
                    return;
                case Chaos.Hang:
                    await Task.Delay(Timeout.Infinite, stop);
                    return;
                case Chaos.Delay:
                    await Task.Delay(Delay, stop);
                    await ForwardAsync(client, lines, extra, bodyLength, truncate: false, stop);
                    return;
                case Chaos.Truncate:
                    await ForwardAsync(client, lines, extra, bodyLength, truncate: true, stop);
                    client.LingerState = new LingerOption(true, 0);
                    return;
                default:
                    await ForwardAsync(client, lines, extra, bodyLength, truncate: false, stop);
                    return;
            }
        }
        catch (Exception)
        {
            // A client or upstream that went away, or the proxy stopping: the client sees a broken connection.
        }
        finally
        {
            _live.TryRemove(client, out _);
            client.Dispose();
        }
    }

    private async Task ForwardAsync(Socket client, string[] lines, byte[] extra, long bodyLength, bool truncate, CancellationToken stop)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _live[upstream] = true;
        try
        {
            await upstream.ConnectAsync(_upstream.Host, _upstream.Port, stop);
            var rewritten = new StringBuilder(lines[0]).Append("\r\n");
            foreach (var line in lines.Skip(1).Where(l => l.Length > 0 && !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)))
                rewritten.Append(line).Append("\r\n");
            rewritten.Append("Connection: close\r\n\r\n");
            await upstream.SendAsync(Encoding.Latin1.GetBytes(rewritten.ToString()), stop);
            if (extra.Length > 0) await upstream.SendAsync(extra, stop);
            var upload = CopyAsync(client, upstream, bodyLength - extra.Length, stop);
            var download = truncate ? CopyTruncatedAsync(upstream, client, stop) : CopyAsync(upstream, client, long.MaxValue, stop);
            await Task.WhenAll(upload, download);
        }
        finally
        {
            _live.TryRemove(upstream, out _);
        }
    }

    private static async Task CopyAsync(Socket from, Socket to, long limit, CancellationToken stop)
    {
        var buffer = new byte[81920];
        while (limit > 0)
        {
            var read = await from.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit)), stop);
            if (read == 0) break;
            await to.SendAsync(buffer.AsMemory(0, read), stop);
            limit -= read;
        }
    }

    /// <summary>Passes the head, then only half of the body announced by Content-Length (at least one byte short).</summary>
    private static async Task CopyTruncatedAsync(Socket from, Socket to, CancellationToken stop)
    {
        var received = new List<byte>();
        var buffer = new byte[81920];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, stop);
            if (read == 0) break;
            received.AddRange(buffer.AsSpan(0, read));
            var all = received.ToArray();
            var end = all.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end < 0) continue;
            var head = Encoding.Latin1.GetString(all, 0, end);
            var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            var length = lengthLine is null ? 0 : long.Parse(lengthLine["Content-Length:".Length..].Trim());
            // Nothing to cut in an empty body: cut the head instead.
            var keep = length == 0 ? end / 2 : end + 4 + (int)Math.Min(length / 2, all.Length - end - 4);
            // Read more until we have what we keep.
            while (all.Length < keep)
            {
                read = await from.ReceiveAsync(buffer, stop);
                if (read == 0) break;
                received.AddRange(buffer.AsSpan(0, read));
                all = received.ToArray();
            }
            await to.SendAsync(all.AsMemory(0, Math.Min(keep, all.Length)), stop);
            return;
        }
    }

    private static async Task DrainAsync(Socket client, long length, CancellationToken stop)
    {
        var buffer = new byte[81920];
        while (length > 0)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), stop);
            if (read == 0) return;
            length -= read;
        }
    }

    private static async Task SendErrorAsync(Socket client, int status, string reason, string code)
    {
        var body = $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected</Message><RequestId>chaos</RequestId></Error>";
        var response = $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await client.SendAsync(Encoding.UTF8.GetBytes(response));
        client.Shutdown(SocketShutdown.Send);
    }

    private static async Task<(string? Head, byte[] Extra)> ReadHeadAsync(Socket client, CancellationToken stop)
    {
        var received = new List<byte>();
        var buffer = new byte[8192];
        while (true)
        {
            var read = await client.ReceiveAsync(buffer, stop);
            if (read == 0) return (null, []);
            received.AddRange(buffer.AsSpan(0, read));
            var all = received.ToArray();
            var end = all.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end >= 0) return (Encoding.Latin1.GetString(all, 0, end), all[(end + 4)..]);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
