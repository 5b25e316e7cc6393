using System.Collections.Concurrent;

namespace SharedFs.FileSystem;

/// <summary>
/// Object keys whose DELETE is queued or running: until it lands, this mount answers as if the object were
/// gone, whatever a listing or a HEAD of the bucket still says.
/// </summary>
internal sealed class PendingDeletes
{
    private readonly ConcurrentDictionary<string, int> _keys = new(StringComparer.Ordinal);

    public bool Contains(string key) => _keys.ContainsKey(key);

    public void Add(string key) => _keys.AddOrUpdate(key, 1, (_, count) => count + 1);

    public void Remove(string key)
    {
        while (_keys.TryGetValue(key, out var count))
        {
            if (count <= 1 ? _keys.TryRemove(new KeyValuePair<string, int>(key, count)) : _keys.TryUpdate(key, count - 1, count))
                return;
        }
    }
}
