using System.Net;
using System.Net.Sockets;

namespace SharedFs.Packaging.Tests.Support;

public static class FreePort
{
    /// <summary>A port nothing listens on right now on 127.0.0.1 (the kernel picks it).</summary>
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Waits until something answers on the port, or fails after the timeout.</summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<string> context)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!IsListening(port))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"nothing listens on 127.0.0.1:{port} after {timeout.TotalSeconds} s:\n{context()}");
            await Task.Delay(200);
        }
    }
}
