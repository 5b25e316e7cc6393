using System.Collections.Concurrent;

namespace SharedFs.FileSystem;

/// <summary>
/// Attributes fetched by HEAD, kept beyond the TTL but only reused when a fresh listing proves the object is
/// unchanged: same size, ETag and Last-Modified (every write or metadata rewrite gives a new Last-Modified).
/// Last-Modified has one-second resolution, so an entry is trusted only when it was fetched more than
/// <see cref="Margin"/> after that time (a change after the HEAD would then carry a later second).
/// It makes a repeated listing of a big directory cost its LIST pages instead of one HEAD per entry.
/// </summary>
internal sealed class MetadataCache(int maxEntries = 200_000)
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(NodeInfo Node, long Size, string? ETag, long LastModifiedSeconds, DateTimeOffset FetchedAt);

    public void Remember(string path, NodeInfo node, long size, string? etag, DateTimeOffset lastModified)
    {
        if (_entries.Count >= maxEntries) _entries.Clear();
        _entries[path] = new Entry(node, size, etag, lastModified.ToUnixTimeSeconds(), DateTimeOffset.UtcNow);
    }

    public NodeInfo? TryReuse(string path, ListedEntry listed)
    {
        if (listed.LastModified is not { } lastModified || !_entries.TryGetValue(path, out var entry)) return null;
        var seconds = lastModified.ToUnixTimeSeconds();
        var unchanged = entry.Size == listed.Size && entry.ETag == listed.ETag && entry.LastModifiedSeconds == seconds
                        && entry.FetchedAt - DateTimeOffset.FromUnixTimeSeconds(seconds) > Margin;
        return unchanged ? entry.Node : null;
    }

    public void Forget(string path) => _entries.TryRemove(path, out _);
}
