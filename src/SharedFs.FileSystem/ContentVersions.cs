using System.Collections.Concurrent;

namespace SharedFs.FileSystem;

/// <summary>
/// The object version (ETag and size) whose pages the kernel may still hold for each path. An open keeps the
/// kernel's page cache only when the stored object is still that version (close-to-open consistency).
/// </summary>
internal sealed class ContentVersions(int maxEntries = 100_000)
{
    private readonly ConcurrentDictionary<string, (string? ETag, long Size)> _versions = new(StringComparer.Ordinal);

    public bool IsCurrent(string path, string? etag, long size) =>
        etag is not null && _versions.TryGetValue(path, out var known) && known.ETag == etag && known.Size == size;

    /// <summary>Whether the kernel may hold pages of some version of this path.</summary>
    public bool Knows(string path) => _versions.ContainsKey(path);

    public void Remember(string path, string? etag, long size)
    {
        if (_versions.Count >= maxEntries) _versions.Clear();
        _versions[path] = (etag, size);
    }

    public void Forget(string path) => _versions.TryRemove(path, out _);

    public void ForgetTree(string path)
    {
        Forget(path);
        foreach (var key in _versions.Keys)
        {
            if (ObjectKeys.IsSameOrBelow(key, path)) _versions.TryRemove(key, out _);
        }
    }
}
