using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace SharedFs.FileSystem;

/// <summary>
/// Path → attributes of names that exist, for at most the TTL, so that a burst of stats costs one HEAD but another
/// machine's change is seen within the TTL. "Does not exist" is never kept: a name another container creates is
/// found by the next lookup. Size-bounded: expired entries are swept when it grows.
/// </summary>
internal sealed class AttributeCache(TimeSpan ttl, int maxEntries = 200_000)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly long _ttlTicks = (long)(ttl.TotalSeconds * Stopwatch.Frequency);

    private readonly record struct Entry(NodeInfo Node, long ExpiresAt);

    /// <summary>True when the cache knows the path's attributes (it never knows that a path does not exist).</summary>
    public bool TryGet(string path, [NotNullWhen(true)] out NodeInfo? node)
    {
        if (_entries.TryGetValue(path, out var entry) && entry.ExpiresAt > Stopwatch.GetTimestamp())
        {
            node = entry.Node;
            return true;
        }
        node = null;
        return false;
    }

    /// <summary>Remembers what the path is; null (no such name) only forgets what was known.</summary>
    public void Set(string path, NodeInfo? node)
    {
        if (node is null || _ttlTicks <= 0)
        {
            _entries.TryRemove(path, out _);
            return;
        }
        if (_entries.Count >= maxEntries) Sweep();
        _entries[path] = new Entry(node, Stopwatch.GetTimestamp() + _ttlTicks);
    }

    public void Remove(string path) => _entries.TryRemove(path, out _);

    /// <summary>Forgets the path and everything below it (after a directory rename or removal).</summary>
    public void RemoveTree(string path)
    {
        Remove(path);
        var prefix = path == "/" ? "/" : path + "/";
        foreach (var key in _entries.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal)) _entries.TryRemove(key, out _);
        }
    }

    private void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now) _entries.TryRemove(key, out _);
        }
        if (_entries.Count >= maxEntries) _entries.Clear();
    }
}
