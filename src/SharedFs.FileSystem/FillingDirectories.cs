using System.Collections.Concurrent;
using System.Diagnostics;

namespace SharedFs.FileSystem;

/// <summary>
/// The directories this mount is filling: three or more of its own creations in a row, each within two seconds of
/// the previous one (tar -x, a burst of uploads). Every creation is preceded by a lookup of a name that does not
/// exist, which asked by name costs four requests (file, marker, children, legacy folder): in such a directory
/// one listing per TTL answers them instead.
/// </summary>
internal sealed class FillingDirectories(int maxDirectories)
{
    private const int Streak = 3;
    private static readonly long GapTicks = Stopwatch.Frequency * 2;
    private readonly ConcurrentDictionary<string, (int Count, long At)> _recent = new(StringComparer.Ordinal);

    public void Created(string directoryPath)
    {
        var now = Stopwatch.GetTimestamp();
        if (_recent.Count > maxDirectories * 4) _recent.Clear();
        _recent.AddOrUpdate(directoryPath, (1, now), (_, last) => (now - last.At <= GapTicks ? last.Count + 1 : 1, now));
    }

    public bool IsFilling(string directoryPath) =>
        _recent.TryGetValue(directoryPath, out var last) && last.Count >= Streak && Stopwatch.GetTimestamp() - last.At <= GapTicks;
}
