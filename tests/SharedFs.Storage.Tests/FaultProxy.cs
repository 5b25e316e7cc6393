using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SharedFs.Storage.Tests;

/// <summary>What the proxy does with one request.</summary>
public enum Fault
{
    None,
    /// <summary>Answers 501 NotImplemented (an S3 XML error) without asking the gateway.</summary>
    NotImplemented,
    /// <summary>Answers 503 SlowDown.</summary>
    SlowDown,
    /// <summary>Resets the connection (RST) after reading the request head.</summary>
    Reset,
    /// <summary>Forwards, but cuts the answer after its first kilobyte.</summary>
    Truncate,
    /// <summary>Never answers.</summary>
    Hang,
}

/// <summary>One request as the proxy saw it.</summary>
public sealed record ProxiedRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, long BodyLength)
{
    public string Path => Target.Split('?')[0];
    public string Query => Target.Contains('?') ? Target[(Target.IndexOf('?') + 1)..] : "";
    public bool HasQueryParameter(string name) => Query.Split('&').Any(p => p == name || p.StartsWith(name + "=", StringComparison.Ordinal));

    public bool IsUploadPartCopy => Method == "PUT" && Headers.ContainsKey("x-amz-copy-source") && HasQueryParameter("partNumber");
    public bool IsUploadPart => Method == "PUT" && !Headers.ContainsKey("x-amz-copy-source") && HasQueryParameter("partNumber");
    public bool IsDeleteObjects => Method == "POST" && HasQueryParameter("delete");
    public bool IsListV2 => Method == "GET" && Query.Split('&').Contains("list-type=2");
    public bool IsListV1 => Method == "GET" && !IsListV2 && Path.Count(c => c == '/') == 1 && !HasQueryParameter("uploadId");
}

/// <summary>
/// A tiny HTTP/1.1 proxy on 127.0.0.1 in front of the gateway, to see the requests the store makes and to
/// inject the failures of other S3 servers. One request per connection: the request goes upstream with
/// "Connection: close", so the gateway's answer ends the connection and needs no parsing. The Host header is
/// kept as the client signed it (SigV4 covers it; path-style Ceph does not care which host it is).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly ConcurrentQueue<ProxiedRequest> _requests = new();

    /// <summary>Decides the fault of each request (by default, none).</summary>
    public Func<ProxiedRequest, Fault> Rule { get; set; } = _ => Fault.None;

    public FaultProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = AcceptLoopAsync();
    }

    public Uri Endpoint { get; }

    public IReadOnlyList<ProxiedRequest> Requests => _requests.ToList();

    public void ClearRequests() => _requests.Clear();

    /// <summary>A rule that applies <paramref name="fault"/> to the first <paramref name="count"/> matching requests.</summary>
    public static Func<ProxiedRequest, Fault> FirstN(int count, Fault fault, Func<ProxiedRequest, bool>? where = null)
    {
        var remaining = count;
        return request => (where?.Invoke(request) ?? true) && Interlocked.Decrement(ref remaining) >= 0 ? fault : Fault.None;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var _ = client;
        try
        {
            var (head, extra) = await ReadHeadAsync(client);
            if (head is null) return;
            var lines = head.Split("\r\n");
            var requestLine = lines[0].Split(' ');
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
            {
                var colon = line.IndexOf(':');
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
            var bodyLength = headers.TryGetValue("Content-Length", out var cl) ? long.Parse(cl) : 0;
            var request = new ProxiedRequest(requestLine[0], requestLine[1], headers, bodyLength);
            _requests.Enqueue(request);

            // A client waiting for "100 Continue" sends no body before our answer: nothing to drain then.
            var pendingBody = headers.ContainsKey("Expect") ? 0 : bodyLength - extra.Length;
            switch (Rule(request))
            {
                case Fault.NotImplemented:
                    await DrainAsync(client, pendingBody);
                    await SendErrorAsync(client, 501, "Not Implemented", "NotImplemented");
                    return;
                case Fault.SlowDown:
                    await DrainAsync(client, pendingBody);
                    await SendErrorAsync(client, 503, "Slow Down", "SlowDown");
                    return;
                case Fault.Reset:
                    client.LingerState = new LingerOption(true, 0); // close with RST
                    return;
                case Fault.Hang:
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
                case Fault.Truncate:
                    await ForwardAsync(client, lines, extra, bodyLength, responseLimit: 1024);
                    client.LingerState = new LingerOption(true, 0);
                    return;
                default:
                    await ForwardAsync(client, lines, extra, bodyLength, responseLimit: long.MaxValue);
                    return;
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested || true)
        {
            // A client or upstream that went away: nothing to report, the client sees the broken connection.
        }
    }

    private async Task ForwardAsync(Socket client, string[] lines, byte[] extra, long bodyLength, long responseLimit)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await upstream.ConnectAsync(_upstream.Host, _upstream.Port);
        var rewritten = new StringBuilder(lines[0]).Append("\r\n");
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0 && !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)))
            rewritten.Append(line).Append("\r\n");
        rewritten.Append("Connection: close\r\n\r\n");
        await upstream.SendAsync(Encoding.Latin1.GetBytes(rewritten.ToString()));
        if (extra.Length > 0) await upstream.SendAsync(extra);

        var upload = CopyAsync(client, upstream, bodyLength - extra.Length);
        var download = CopyAsync(upstream, client, responseLimit);
        await Task.WhenAll(upload, download);
    }

    /// <summary>Copies up to <paramref name="limit"/> bytes (or until the source closes).</summary>
    private static async Task CopyAsync(Socket from, Socket to, long limit)
    {
        var buffer = new byte[81920];
        while (limit > 0)
        {
            var read = await from.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit)));
            if (read == 0) break;
            await to.SendAsync(buffer.AsMemory(0, read));
            limit -= read;
        }
    }

    private static async Task DrainAsync(Socket client, long length)
    {
        var buffer = new byte[81920];
        while (length > 0)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)));
            if (read == 0) return;
            length -= read;
        }
    }

    private static async Task SendErrorAsync(Socket client, int status, string reason, string code)
    {
        var body = $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected by FaultProxy</Message><RequestId>proxy</RequestId></Error>";
        var response = $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await client.SendAsync(Encoding.UTF8.GetBytes(response));
        client.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Reads up to the blank line; returns the head and the body bytes read past it.</summary>
    private static async Task<(string? Head, byte[] Extra)> ReadHeadAsync(Socket client)
    {
        var received = new List<byte>();
        var buffer = new byte[8192];
        while (true)
        {
            var read = await client.ReceiveAsync(buffer);
            if (read == 0) return (null, []);
            received.AddRange(buffer.AsSpan(0, read));
            var all = received.ToArray();
            var end = all.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end >= 0)
                return (Encoding.Latin1.GetString(all, 0, end), all[(end + 4)..]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _acceptLoop; } catch (Exception) { }
        _stop.Dispose();
    }
}
