using System.Collections.Concurrent;
using System.Diagnostics;
using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>One name found by listing a directory's prefix (listings carry sizes and dates, never metadata).</summary>
internal sealed record ListedEntry(string Name, bool IsDirectory, DirectoryForm Form, long Size, DateTimeOffset? LastModified, string? ETag);

/// <summary>
/// Lists a directory with a delimited, paginated listing of its prefix and caches the names for the TTL.
/// Keys that cannot be file names ("a//b", ".", "..", over 255 bytes) are skipped and logged once.
/// </summary>
internal sealed class DirectoryLister(IObjectStore store, TimeSpan ttl, int maxDirectories = 256)
{
    private readonly ConcurrentDictionary<string, (IReadOnlyList<ListedEntry> Entries, long ExpiresAt)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _reportedKeys = new(StringComparer.Ordinal);
    private readonly long _ttlTicks = (long)(ttl.TotalSeconds * Stopwatch.Frequency);

    public async Task<IReadOnlyList<ListedEntry>> ListAsync(string directoryPath, CancellationToken cancellationToken = default)
    {
        if (TryGetCached(directoryPath, out var cached)) return cached;
        var prefix = ObjectKeys.DirectoryKey(directoryPath);
        var entries = new Dictionary<string, ListedEntry>(StringComparer.Ordinal);
        var legacy = new List<ListedEntry>();
        await foreach (var page in store.ListAllAsync(prefix, "/", cancellationToken).ConfigureAwait(false))
        {
            foreach (var summary in page.Objects)
            {
                if (summary.Key == prefix) continue; // the directory's own marker
                var name = summary.Key[prefix.Length..];
                if (name.EndsWith(ObjectKeys.FolderSuffix, StringComparison.Ordinal) && name.Length > ObjectKeys.FolderSuffix.Length)
                {
                    var dirName = name[..^ObjectKeys.FolderSuffix.Length];
                    if (ObjectKeys.IsValidName(dirName))
                        legacy.Add(new ListedEntry(dirName, true, DirectoryForm.LegacyFolder, 0, summary.LastModified, null));
                    continue;
                }
                if (!Accept(summary.Key, name)) continue;
                entries.TryAdd(name, new ListedEntry(name, false, DirectoryForm.None, summary.Size, summary.LastModified, summary.ETag));
            }
            foreach (var common in page.CommonPrefixes)
            {
                var name = common[prefix.Length..].TrimEnd('/');
                if (!Accept(common, name) || common.Length - prefix.Length != name.Length + 1) continue;
                // A file and a directory of one name: the file wins, as in lookups.
                entries.TryAdd(name, new ListedEntry(name, true, DirectoryForm.Implicit, 0, null, null));
            }
        }
        foreach (var entry in legacy) entries.TryAdd(entry.Name, entry);
        var result = entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        if (_ttlTicks > 0)
        {
            if (_cache.Count >= maxDirectories) _cache.Clear();
            _cache[directoryPath] = (result, Stopwatch.GetTimestamp() + _ttlTicks);
        }
        return result;
    }

    /// <summary>The cached listing, when it is fresh (used to answer negative lookups without a request).</summary>
    public bool TryGetCached(string directoryPath, out IReadOnlyList<ListedEntry> entries)
    {
        if (_cache.TryGetValue(directoryPath, out var cached) && cached.ExpiresAt > Stopwatch.GetTimestamp())
        {
            entries = cached.Entries;
            return true;
        }
        entries = [];
        return false;
    }

    public void Invalidate(string directoryPath) => _cache.TryRemove(directoryPath, out _);

    /// <summary>A directory this mount just made is empty: lookups in it need no request until the TTL ends.</summary>
    public void SeedEmpty(string directoryPath)
    {
        if (_ttlTicks <= 0) return;
        if (_cache.Count >= maxDirectories) _cache.Clear();
        _cache[directoryPath] = ([], Stopwatch.GetTimestamp() + _ttlTicks);
    }

    /// <summary>
    /// Our own change to one name: the cached listing (if any) is edited instead of dropped, so that creating
    /// many files in a listed directory keeps answering negative lookups from it. The expiry is unchanged.
    /// </summary>
    public void Update(string directoryPath, string name, bool? isDirectory)
    {
        while (_cache.TryGetValue(directoryPath, out var cached))
        {
            var entries = cached.Entries.Where(e => e.Name != name).ToList();
            if (isDirectory is { } directory)
                entries.Add(new ListedEntry(name, directory, directory ? DirectoryForm.Marker : DirectoryForm.None, 0, null, null));
            if (_cache.TryUpdate(directoryPath, (entries, cached.ExpiresAt), cached)) return;
        }
    }

    public void InvalidateAll() => _cache.Clear();

    private bool Accept(string key, string name)
    {
        if (ObjectKeys.IsValidName(name)) return true;
        if (_reportedKeys.TryAdd(key, true))
            FsLog.Warn($"skipping key '{key}': it cannot be a file name");
        return false;
    }
}
