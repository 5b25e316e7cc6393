using System.Diagnostics;

namespace SharedFs.FileSystem;

/// <summary>
/// Tells whether changes (closes of written files, unlinks) come in a burst: this one starts less than
/// <c>gap</c> after the previous one ended, and so did the ones before it, <c>streak</c> in a row. A program
/// copying a tree makes such a streak whatever the server's latency; requests of a web app that each write one
/// file rarely do. Thread-safe.
/// </summary>
internal sealed class BurstDetector(int streak, TimeSpan gap)
{
    private readonly Lock _lock = new();
    private readonly long _gapTicks = (long)(gap.TotalSeconds * Stopwatch.Frequency);
    private long _lastEnd;
    private int _inARow;

    /// <summary>A change starts: true when it is part of a burst (the caller queues it instead of waiting).</summary>
    public bool Begin()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            _inARow = _lastEnd != 0 && now - _lastEnd <= _gapTicks ? _inARow + 1 : 1;
            _lastEnd = now; // a change in progress counts as recent for the ones that start meanwhile
            return _inARow >= streak;
        }
    }

    /// <summary>No change has started or ended for <paramref name="span"/>.</summary>
    public bool QuietFor(TimeSpan span)
    {
        var quietTicks = (long)(span.TotalSeconds * Stopwatch.Frequency);
        lock (_lock) return Stopwatch.GetTimestamp() - _lastEnd >= quietTicks;
    }

    /// <summary>The change has been made (or queued): the gap to the next one counts from now.</summary>
    public void End()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock) _lastEnd = now;
    }
}
