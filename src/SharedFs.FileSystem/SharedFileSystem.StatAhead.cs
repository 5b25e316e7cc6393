using System.Collections.Concurrent;

namespace SharedFs.FileSystem;

/// <summary>
/// Stat-ahead: a program that stats a directory's files one after the other (in name order, as listings come)
/// would wait for one HEAD per file. When a lookup has to ask the bucket about a listed file right after it did
/// for an earlier name of the same directory, the attributes of the next names are fetched in parallel in the
/// background, so that the following lookups find them cached. Bounded: a window of names, a few HEADs at once.
/// </summary>
internal sealed partial class SharedFileSystem
{
    private const int StatAheadWindow = 64;
    private const int StatAheadParallelism = 16;

    private readonly ConcurrentDictionary<string, string> _lastAskedName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _statAheadBusy = new(StringComparer.Ordinal);

    /// <summary>A lookup of a listed file had to HEAD it: when the directory is being walked, fetch what comes next.</summary>
    private void StatAhead(string directory, string name)
    {
        var previous = _lastAskedName.GetValueOrDefault(directory);
        if (_lastAskedName.Count > 1024) _lastAskedName.Clear();
        _lastAskedName[directory] = name;
        if (previous is null || string.CompareOrdinal(previous, name) >= 0) return; // not walking forward
        if (!_statAheadBusy.TryAdd(directory, true)) return;
        var entries = _lister.Following(directory, name, StatAheadWindow);
        _ = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = StatAheadParallelism }, async (entry, cancellationToken) =>
                {
                    var path = ObjectKeys.Combine(directory, entry.Name);
                    if (entry.IsDirectory || _attributes.TryGet(path, out NodeInfo? _) || _open.Find(path) is not null) return;
                    var node = await FetchEntryAsync(path, entry).ConfigureAwait(false);
                    if (node is not null) _attributes.Set(path, node);
                }).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Only an optimisation: the lookups ask for themselves.
            }
            finally
            {
                _statAheadBusy.TryRemove(directory, out _);
            }
        });
    }
}
