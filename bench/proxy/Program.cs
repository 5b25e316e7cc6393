using System.Net;
using System.Net.Sockets;
using SharedFs.Bench.NetProxy;

// net-proxy --listen 127.0.0.1:0 --upstream 127.0.0.1:8080 --rtt 10ms [--log requests.log]
// Prints "listening on HOST:PORT" once it accepts connections; runs until SIGTERM or SIGINT.
var options = ProxyOptions.Parse(args);
using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(options.Listen);
listener.Listen(512);
await using var log = options.LogPath is null ? null : new RequestLog(options.LogPath);
using var stop = new CancellationTokenSource();
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
Console.WriteLine($"listening on {(IPEndPoint)listener.LocalEndPoint!} (round trip {options.RoundTrip.TotalMilliseconds} ms)");
Console.Out.Flush();

var connections = new List<Task>();
try
{
    while (!stop.IsCancellationRequested)
    {
        var client = await listener.AcceptAsync(stop.Token);
        connections.RemoveAll(t => t.IsCompleted);
        connections.Add(Connection.RunAsync(client, options, log, stop.Token));
    }
}
catch (OperationCanceledException)
{
    // SIGTERM or SIGINT: stop accepting, let the open connections go.
}
await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
return 0;
