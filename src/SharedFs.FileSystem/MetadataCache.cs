using System.Collections.Concurrent;
using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>
/// Attributes fetched by HEAD, kept beyond the TTL but only reused when a fresh listing proves the object is
/// unchanged: same size, ETag and Last-Modified (every write or metadata rewrite gives a new Last-Modified).
/// Last-Modified has one-second resolution, so an answer is kept only when it was given two seconds or more
/// (by the server's clock, its Date header) after that time: a change after it would carry a later second.
/// Without a Date header the local clock stands in, with two seconds for clock skew.
/// It makes a repeated listing of a big directory, or the stat of files this mount wrote (confirmed once in
/// the background), cost its LIST pages instead of one HEAD per entry.
/// </summary>
internal sealed class MetadataCache(int maxEntries = 200_000)
{
    private static readonly TimeSpan LocalClockMargin = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(NodeInfo Node, long Size, string? ETag, long LastModifiedSeconds);

    /// <summary>Remembers what a HEAD (or GET) said, if it was answered late enough to prove anything.</summary>
    public void Remember(string path, NodeInfo node, ObjectInfo info)
    {
        var modified = info.LastModified.ToUnixTimeSeconds();
        var provesUnchangedSince = info.AnsweredAt is { } answered
            ? answered.ToUnixTimeSeconds() - modified >= 2
            : DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(modified) > LocalClockMargin;
        if (!provesUnchangedSince)
        {
            _entries.TryRemove(path, out _);
            return;
        }
        if (_entries.Count >= maxEntries) _entries.Clear();
        _entries[path] = new Entry(node, info.Size, info.ETag, modified);
    }

    public NodeInfo? TryReuse(string path, ListedEntry listed)
    {
        if (listed.LastModified is not { } lastModified || !_entries.TryGetValue(path, out var entry)) return null;
        var unchanged = entry.Size == listed.Size && entry.ETag == listed.ETag && entry.LastModifiedSeconds == lastModified.ToUnixTimeSeconds();
        return unchanged ? entry.Node : null;
    }

    public void Forget(string path) => _entries.TryRemove(path, out _);
}
