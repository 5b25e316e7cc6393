using System.Collections.Concurrent;
using System.Diagnostics;
using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>One name found by listing a directory's prefix (listings carry sizes and dates, never metadata).</summary>
internal sealed record ListedEntry(string Name, bool IsDirectory, DirectoryForm Form, long Size, DateTimeOffset? LastModified, string? ETag);

/// <summary>
/// Lists a directory with a delimited, paginated listing of its prefix and keeps the names for the TTL, so
/// that lookups of existing files in a directory being worked on need no request of their own: a name present
/// in a fresh listing is checked against it. A listing never answers "no such name": a file another container
/// has just created is seen at once by a lookup that asks the bucket for it. Every readdir lists anew. A program
/// walking the existing files of a directory (stat, unlink, open one after the other) has it listed again in the
/// background rather than asked name by name, unless it is too big for that. Our own changes edit the cached
/// listing.
/// Keys that cannot be file names ("a//b", ".", "..", over 255 bytes) are skipped and logged once.
/// Concurrent listings of one directory share one request sequence.
/// </summary>
internal sealed class DirectoryLister(IObjectStore store, TimeSpan ttl, int maxDirectories = 256)
{
    /// <summary>Directories with more entries than this are never listed just to answer a lookup.</summary>
    public const int LookupListingLimit = 5000;
    private static readonly long MissWindowTicks = Stopwatch.Frequency * 2;
    private static readonly long TooBigMemoryTicks = Stopwatch.Frequency * 60;

    private readonly ConcurrentDictionary<string, Listing> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Listing?>>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string? Name, long At)> _lastFound = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _tooBig = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _reportedKeys = new(StringComparer.Ordinal);
    // Our own recent changes, by directory: replayed on a listing that was on the wire while they were made.
    private readonly ConcurrentDictionary<string, ChangeJournal> _journals = new(StringComparer.Ordinal);
    // Bumped when a directory (or every directory) is dropped: a listing on the wire meanwhile is not kept.
    private readonly ConcurrentDictionary<string, long> _invalidations = new(StringComparer.Ordinal);
    private long _invalidationsEverywhere;

    /// <summary>Changes to names of one directory, with when they were made; old ones are dropped.</summary>
    private sealed class ChangeJournal
    {
        private const int MaxChanges = 20_000;
        private static readonly long KeepTicks = Stopwatch.Frequency * 120;
        private readonly Lock _lock = new();
        private readonly Queue<(long At, string Name, bool? IsDirectory)> _changes = new();

        public void Add(string name, bool? isDirectory)
        {
            var now = Stopwatch.GetTimestamp();
            lock (_lock)
            {
                _changes.Enqueue((now, name, isDirectory));
                while (_changes.Count > MaxChanges || (_changes.TryPeek(out var oldest) && now - oldest.At > KeepTicks)) _changes.Dequeue();
            }
        }

        /// <summary>The last change to each name made since <paramref name="since"/> (null: removed).</summary>
        public Dictionary<string, bool?> LatestSince(long since)
        {
            var latest = new Dictionary<string, bool?>(StringComparer.Ordinal);
            lock (_lock)
            {
                foreach (var (at, name, isDirectory) in _changes)
                    if (at >= since) latest[name] = isDirectory;
            }
            return latest;
        }

        /// <summary>Applies the changes made since <paramref name="since"/> to a listing's entries (the last one per name decides).</summary>
        public void ReplaySince(long since, Dictionary<string, ListedEntry> entries)
        {
            foreach (var (name, isDirectory) in LatestSince(since))
            {
                if (isDirectory is { } directory) entries[name] = Entry(name, directory);
                else entries.Remove(name);
            }
        }
    }

    /// <summary>A name this mount made: a file, or a directory with its marker (no size, date or ETag known).</summary>
    internal static ListedEntry Entry(string name, bool isDirectory) =>
        new(name, isDirectory, isDirectory ? DirectoryForm.Marker : DirectoryForm.None, 0, null, null);
    private readonly long _ttlTicks = (long)(ttl.TotalSeconds * Stopwatch.Frequency);

    /// <summary>The names of one directory at one time, edited by our own changes. Guarded by its own lock.</summary>
    private sealed class Listing(Dictionary<string, ListedEntry> entries, long listedAt)
    {
        public readonly Lock Lock = new();
        public Dictionary<string, ListedEntry> Entries { get; } = entries;
        public long ListedAt { get; } = listedAt;
        /// <summary>The names in order, made when first needed after a change.</summary>
        public string[]? Sorted { get; set; }
    }

    /// <summary>
    /// The whole listing, sorted by name, listed now (never a listing made before the call: a name another
    /// container created just before must be in it).
    /// </summary>
    public async Task<IReadOnlyList<ListedEntry>> ListAsync(string directoryPath, CancellationToken cancellationToken = default)
    {
        var listing = await ListFromStoreAsync(directoryPath, int.MaxValue, cancellationToken).ConfigureAwait(false);
        lock (listing!.Lock) return listing.Entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Our own changes to the directory's names since <paramref name="since"/> (a timestamp taken before
    /// <see cref="ListAsync"/>): what a caller still working on a listing must apply to stay right.
    /// </summary>
    public Dictionary<string, bool?> ChangesSince(string directoryPath, long since) =>
        _journals.TryGetValue(directoryPath, out var journal) ? journal.LatestSince(since) : [];

    /// <summary>The name's entry in a fresh listing, without any request; null when not listed (ask the bucket).</summary>
    public ListedEntry? Find(string directoryPath, string name)
    {
        if (Fresh(directoryPath) is not { } listing) return null;
        lock (listing.Lock) return listing.Entries.GetValueOrDefault(name);
    }

    /// <summary>Up to <paramref name="count"/> entries that follow <paramref name="name"/> in a fresh listing (for stat-ahead).</summary>
    public List<ListedEntry> Following(string directoryPath, string name, int count)
    {
        if (Fresh(directoryPath) is not { } listing) return [];
        lock (listing.Lock)
        {
            listing.Sorted ??= listing.Entries.Keys.Order(StringComparer.Ordinal).ToArray();
            var index = Array.BinarySearch(listing.Sorted, name, StringComparer.Ordinal);
            var start = index >= 0 ? index + 1 : ~index;
            return listing.Sorted.Skip(start).Take(count).Select(n => listing.Entries[n]).ToList();
        }
    }

    /// <summary>
    /// A lookup found <paramref name="name"/> in the bucket by asking for it: when it follows a lookup of another
    /// existing name of the same directory within two seconds (a program walking it), the directory is listed in
    /// the background so that the next lookups are answered from the listing.
    /// </summary>
    public void FoundByName(string directoryPath, string name)
    {
        if (_ttlTicks <= 0) return;
        var now = Stopwatch.GetTimestamp();
        if (RecentlyTooBig(directoryPath, now)) return;
        var previous = _lastFound.GetValueOrDefault(directoryPath);
        if (_lastFound.Count > maxDirectories * 4) _lastFound.Clear();
        _lastFound[directoryPath] = (name, now);
        if (previous.Name is null || previous.Name == name || now - previous.At > MissWindowTicks) return;
        _ = Task.Run(async () =>
        {
            try { await RefreshAsync(directoryPath, LookupListingLimit, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception) { /* only an optimisation: lookups keep asking name by name */ }
        });
    }

    /// <summary>A bounded listing of the directory found more entries than its limit, less than a minute ago.</summary>
    private bool RecentlyTooBig(string directoryPath, long now) =>
        _tooBig.TryGetValue(directoryPath, out var since) && now - since < TooBigMemoryTicks;

    private Listing? Fresh(string directoryPath) =>
        _cache.TryGetValue(directoryPath, out var listing) && Stopwatch.GetTimestamp() - listing.ListedAt < _ttlTicks ? listing : null;

    /// <summary>
    /// A bounded background listing for lookups, one request sequence for concurrent callers; null when the
    /// directory has more than <paramref name="limit"/> entries.
    /// </summary>
    private async Task<Listing?> RefreshAsync(string directoryPath, int limit, CancellationToken cancellationToken)
    {
        var flightKey = directoryPath;
        var flight = _inFlight.GetOrAdd(flightKey, _ => new Lazy<Task<Listing?>>(() => ListFromStoreAsync(directoryPath, limit, cancellationToken)));
        try
        {
            return await flight.Value.ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<Listing?>>>(flightKey, flight));
        }
    }

    private async Task<Listing?> ListFromStoreAsync(string directoryPath, int limit, CancellationToken cancellationToken)
    {
        var listedAt = Stopwatch.GetTimestamp();
        var invalidationsBefore = (_invalidations.GetValueOrDefault(directoryPath), Interlocked.Read(ref _invalidationsEverywhere));
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
            if (entries.Count > limit)
            {
                _tooBig[directoryPath] = Stopwatch.GetTimestamp();
                return null;
            }
        }
        foreach (var entry in legacy) entries.TryAdd(entry.Name, entry);
        // What we changed while it was on the wire may be missing from it (or be there when it is gone).
        if (_journals.TryGetValue(directoryPath, out var journal)) journal.ReplaySince(listedAt, entries);
        var listing = new Listing(entries, listedAt);
        // Not kept when the directory was dropped meanwhile (removed, or renamed with its parent).
        if (_ttlTicks > 0 && (_invalidations.GetValueOrDefault(directoryPath), Interlocked.Read(ref _invalidationsEverywhere)) == invalidationsBefore)
        {
            if (_cache.Count >= maxDirectories) _cache.Clear();
            _cache[directoryPath] = listing;
        }
        return listing;
    }

    public void Invalidate(string directoryPath)
    {
        if (_invalidations.Count > maxDirectories * 4)
        {
            Interlocked.Increment(ref _invalidationsEverywhere);
            _invalidations.Clear();
        }
        _invalidations.AddOrUpdate(directoryPath, 1, (_, count) => count + 1);
        _cache.TryRemove(directoryPath, out _);
    }

    /// <summary>
    /// Our own change to one name: the cached listing (if any, fresh or not) is edited instead of dropped, so
    /// that it keeps answering lookups of the other names.
    /// </summary>
    public void Update(string directoryPath, string name, bool? isDirectory)
    {
        if (_journals.Count > maxDirectories * 4)
        {
            // Forgetting the journals: listings on the wire now could miss a change, so none of them is kept.
            Interlocked.Increment(ref _invalidationsEverywhere);
            _journals.Clear();
        }
        _journals.GetOrAdd(directoryPath, _ => new ChangeJournal()).Add(name, isDirectory);
        if (!_cache.TryGetValue(directoryPath, out var listing)) return;
        lock (listing.Lock)
        {
            listing.Sorted = null;
            if (isDirectory is { } directory) listing.Entries[name] = Entry(name, directory);
            else listing.Entries.Remove(name);
        }
    }

    public void InvalidateAll()
    {
        Interlocked.Increment(ref _invalidationsEverywhere);
        _cache.Clear();
    }

    private bool Accept(string key, string name)
    {
        if (ObjectKeys.IsValidName(name)) return true;
        if (_reportedKeys.TryAdd(key, true))
            FsLog.Warn($"skipping key '{key}': it cannot be a file name");
        return false;
    }
}
