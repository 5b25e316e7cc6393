using System.Globalization;
using System.Net;

namespace SharedFs.Bench.NetProxy;

/// <summary>Where to listen, where to forward, the round trip to add, and where to log requests.</summary>
internal sealed record ProxyOptions(IPEndPoint Listen, IPEndPoint Upstream, TimeSpan RoundTrip, string? LogPath)
{
    public TimeSpan OneWay => RoundTrip / 2;

    public static ProxyOptions Parse(string[] args)
    {
        IPEndPoint? listen = null, upstream = null;
        var roundTrip = TimeSpan.Zero;
        string? log = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw Usage($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--listen": listen = IPEndPoint.Parse(value); break;
                case "--upstream": upstream = IPEndPoint.Parse(value); break;
                case "--rtt": roundTrip = ParseDuration(value); break;
                case "--log": log = value; break;
                default: throw Usage($"unknown option {args[i]}");
            }
            i++;
        }
        return new ProxyOptions(listen ?? throw Usage("--listen is required"), upstream ?? throw Usage("--upstream is required"), roundTrip, log);
    }

    /// <summary>"10ms", "2ms", "0", "0.5ms".</summary>
    private static TimeSpan ParseDuration(string text)
    {
        var number = text.EndsWith("ms", StringComparison.Ordinal) ? text[..^2] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) || ms < 0)
            throw Usage($"--rtt: '{text}' is not a duration in milliseconds (e.g. 10ms)");
        return TimeSpan.FromMilliseconds(ms);
    }

    private static ArgumentException Usage(string problem) =>
        new($"net-proxy: {problem}. Usage: net-proxy --listen HOST:PORT --upstream HOST:PORT --rtt 10ms [--log FILE]");
}
