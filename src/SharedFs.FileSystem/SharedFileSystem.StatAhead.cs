using System.Collections.Concurrent;

namespace SharedFs.FileSystem;

/// <summary>
/// Stat-ahead: a program that stats a directory's files one after the other in name order (as listings come)
/// would wait for one HEAD per file. When a lookup has to ask the bucket about a listed file just after it did
/// for the name right before it, the attributes of the next names are fetched in parallel in the background,
/// so that the following lookups find them cached; the window doubles (8 up to 64 names) while the walk goes
/// on and is dropped as soon as the order breaks, so a program opening files in any other order costs nothing.
/// </summary>
internal sealed partial class SharedFileSystem
{
    private const int FirstStatAheadWindow = 8;
    private const int MaxStatAheadWindow = 64;
    private const int StatAheadParallelism = 16;

    private sealed record Walk(string LastName, int Window, string? FetchedUpTo);

    private readonly ConcurrentDictionary<string, Walk> _walks = new(StringComparer.Ordinal);

    /// <summary>A lookup of a listed file had to HEAD it: when the directory is being walked in order, fetch what comes next.</summary>
    private void StatAhead(string directory, string name)
    {
        if (_walks.Count > 1024) _walks.Clear();
        var previous = _walks.GetValueOrDefault(directory);
        var next = _lister.Following(directory, previous?.LastName ?? "", 1);
        var inOrder = previous is not null && next.Count == 1 && next[0].Name == name;
        if (!inOrder)
        {
            _walks[directory] = new Walk(name, 0, null);
            return;
        }
        var window = Math.Min(MaxStatAheadWindow, Math.Max(FirstStatAheadWindow, previous!.Window * 2));
        // Only what was not fetched by an earlier step of the same walk.
        var from = previous.FetchedUpTo is { } fetched && string.CompareOrdinal(fetched, name) > 0 ? fetched : name;
        var entries = _lister.Following(directory, from, window);
        _walks[directory] = new Walk(name, window, entries.Count > 0 ? entries[^1].Name : previous.FetchedUpTo);
        if (entries.Count == 0) return;
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
        });
    }
}
