using System.Globalization;
using System.Text;

namespace SharedFs.Bench.NetProxy;

/// <summary>
/// Follows the HTTP/1.1 requests of one client connection (headers, then a body framed by Content-Length or
/// chunked encoding) and logs each request's method and target when its header block is complete. Bodies are
/// skipped, never buffered.
/// </summary>
internal sealed class HttpRequestCounter(RequestLog log)
{
    private const int MaxHeaderBytes = 64 << 10;
    private readonly List<byte> _header = [];
    private long _bodyLeft;
    private bool _chunked;
    private readonly List<byte> _chunkLine = [];
    private ChunkState _chunkState;

    private enum ChunkState { Size, Data, DataEnd, Trailer }

    public void Observe(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_bodyLeft > 0)
            {
                var skip = (int)Math.Min(_bodyLeft, data.Length);
                _bodyLeft -= skip;
                data = data[skip..];
                if (_bodyLeft == 0 && _chunked) _chunkState = ChunkState.DataEnd;
                continue;
            }
            if (_chunked)
            {
                data = ObserveChunked(data);
                continue;
            }
            var b = data[0];
            data = data[1..];
            _header.Add(b);
            if (_header.Count > MaxHeaderBytes) _header.Clear(); // not HTTP: stop trying
            if (EndsWithBlankLine(_header)) HeaderComplete();
        }
    }

    private ReadOnlySpan<byte> ObserveChunked(ReadOnlySpan<byte> data)
    {
        var b = data[0];
        _chunkLine.Add(b);
        if (!(_chunkLine.Count >= 2 && _chunkLine[^2] == '\r' && _chunkLine[^1] == '\n')) return data[1..];
        var line = Encoding.ASCII.GetString(_chunkLine.ToArray(), 0, _chunkLine.Count - 2);
        _chunkLine.Clear();
        switch (_chunkState)
        {
            case ChunkState.Size:
                var size = long.Parse(line.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0) _chunkState = ChunkState.Trailer;
                else { _bodyLeft = size; _chunkState = ChunkState.Data; }
                break;
            case ChunkState.DataEnd:
                _chunkState = ChunkState.Size;
                break;
            case ChunkState.Trailer:
                if (line.Length == 0) { _chunked = false; _chunkState = ChunkState.Size; }
                break;
        }
        return data[1..];
    }

    private static bool EndsWithBlankLine(List<byte> bytes) =>
        bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n';

    private void HeaderComplete()
    {
        var text = Encoding.ASCII.GetString(_header.ToArray());
        _header.Clear();
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length < 2) return;
        log.Write(requestLine[0], requestLine[1]);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) _bodyLeft = long.Parse(value, CultureInfo.InvariantCulture);
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                _chunked = true;
                _chunkState = ChunkState.Size;
            }
        }
    }
}
