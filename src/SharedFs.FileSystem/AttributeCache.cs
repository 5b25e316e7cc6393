using System.Collections.Concurrent;
using System.Diagnostics;

namespace SharedFs.FileSystem;

/// <summary>
/// Path → attributes for at most the TTL, so that a burst of lookups costs one HEAD but another machine's change
/// is seen within the TTL. "Does not exist" is kept much shorter (<see cref="NegativeTtl"/>): it only absorbs the
/// lookups of one create, so that a file another container uploads is found as soon as it is there.
/// Size-bounded: expired entries are swept when it grows.
/// </summary>
internal sealed class AttributeCache(TimeSpan ttl, int maxEntries = 200_000)
{
    public static readonly TimeSpan NegativeTtl = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly long _ttlTicks = (long)(ttl.TotalSeconds * Stopwatch.Frequency);
    private readonly long _negativeTtlTicks = (long)(Math.Min(ttl.TotalSeconds, NegativeTtl.TotalSeconds) * Stopwatch.Frequency);

    private readonly record struct Entry(NodeInfo? Node, long ExpiresAt);

    /// <summary>True when the cache knows the answer: <paramref name="node"/> is null for "does not exist".</summary>
    public bool TryGet(string path, out NodeInfo? node)
    {
        if (_entries.TryGetValue(path, out var entry) && entry.ExpiresAt > Stopwatch.GetTimestamp())
        {
            node = entry.Node;
            return true;
        }
        node = null;
        return false;
    }

    public void Set(string path, NodeInfo? node)
    {
        if (_ttlTicks <= 0) return;
        if (_entries.Count >= maxEntries) Sweep();
        _entries[path] = new Entry(node, Stopwatch.GetTimestamp() + (node is null ? _negativeTtlTicks : _ttlTicks));
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
