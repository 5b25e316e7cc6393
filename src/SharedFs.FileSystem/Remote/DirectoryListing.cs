using SharedFs.FileSystem.Metadata;
using SharedFs.FileSystem.Nodes;
using SharedFs.Storage;

namespace SharedFs.FileSystem.Remote;

/// <summary>One name of a directory listing (listings carry sizes, ETags and dates, never metadata).</summary>
internal sealed record ListedEntry(string Name, NodeKind Kind, DirectoryForm Form, long Size, DateTimeOffset? LastModified, string? ETag);

/// <summary>
/// Lists a directory's prefix with the "/" delimiter, every page: files, sub-directories (common prefixes) and
/// legacy "name_$folder$" objects. Keys that cannot be file names ("a//b", ".", "..", over 255 bytes) are skipped
/// and reported once. A file and a directory of one name: the file wins, as in lookups.
/// </summary>
internal sealed class DirectoryListing(IObjectStore store)
{
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    /// <summary>Every entry, in name order; null when there are more than <paramref name="limit"/> (the listing stops there).</summary>
    public async Task<List<ListedEntry>?> ListAsync(string prefix, int limit)
    {
        var entries = new Dictionary<string, ListedEntry>(StringComparer.Ordinal);
        var legacy = new List<ListedEntry>();
        await foreach (var page in store.ListAllAsync(prefix, "/").ConfigureAwait(false))
        {
            foreach (var summary in page.Objects)
            {
                if (summary.Key == prefix) continue; // the directory's own marker
                var name = summary.Key[prefix.Length..];
                if (name.EndsWith(ObjectKeys.FolderSuffix, StringComparison.Ordinal) && name.Length > ObjectKeys.FolderSuffix.Length)
                {
                    var folder = name[..^ObjectKeys.FolderSuffix.Length];
                    if (ObjectKeys.IsValidName(folder))
                        legacy.Add(new ListedEntry(folder, NodeKind.Directory, DirectoryForm.LegacyFolder, 0, summary.LastModified, null));
                    continue;
                }
                if (!Accept(summary.Key, name)) continue;
                entries.TryAdd(name, new ListedEntry(name, NodeKind.File, DirectoryForm.None, summary.Size, summary.LastModified, summary.ETag));
            }
            foreach (var common in page.CommonPrefixes)
            {
                var name = common[prefix.Length..].TrimEnd('/');
                if (!Accept(common, name) || common.Length - prefix.Length != name.Length + 1) continue;
                entries.TryAdd(name, new ListedEntry(name, NodeKind.Directory, DirectoryForm.Implicit, 0, null, null));
            }
            if (entries.Count + legacy.Count > limit) return null;
        }
        foreach (var entry in legacy) entries.TryAdd(entry.Name, entry);
        return entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<List<ListedEntry>> ListAsync(string prefix) => (await ListAsync(prefix, int.MaxValue).ConfigureAwait(false))!;

    private bool Accept(string key, string name)
    {
        if (ObjectKeys.IsValidName(name)) return true;
        bool first;
        lock (_reported) first = _reported.Count < 10_000 && _reported.Add(key);
        if (first) FsLog.Warn($"skipping key '{key}': it cannot be a file name");
        return false;
    }
}
