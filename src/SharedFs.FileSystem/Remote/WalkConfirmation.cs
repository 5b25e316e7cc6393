using SharedFs.FileSystem.Nodes;

namespace SharedFs.FileSystem.Remote;

/// <summary>
/// Walk confirmation: a program that stats (or removes, or opens) the files of one directory one after the other
/// would wait for one revalidation per file once their answers are older than the TTL. When a second known child
/// of the same directory needs one within the TTL of the first, the directory is listed once instead (shared by
/// concurrent lookups): every known child whose version the listing shows unchanged (same ETag, size and
/// Last-Modified second) is trusted again, and the walk's next lookups need no request. A listing never answers
/// "no such name" here: a name it does not show is asked about as before.
/// Measured on the 10 ms network profile (bench): stat of 1000 files this mount knows went from one round trip a
/// file to about three in all.
/// </summary>
internal sealed class WalkConfirmation(NodeTable table, DirectoryListing listing)
{
    /// <summary>Bigger directories are not listed for a walk (a listing page holds 1000 names).</summary>
    public const int MaxListedEntries = 10_000;

    private readonly Dictionary<ulong, Task> _inFlight = [];

    /// <summary>
    /// Called (under the table's lock) when a known child of <paramref name="directory"/> needs a revalidation:
    /// returns the listing to wait for when this is a walk, null when the caller should ask for the child itself.
    /// </summary>
    public Task? Begin(Node directory, string prefix)
    {
        var now = table.Now;
        var walking = directory.ChildRevalidatedAt != 0 && now - directory.ChildRevalidatedAt < table.TtlTicks;
        directory.ChildRevalidatedAt = now;
        if (!walking || now < directory.WalkListedUntil) return null;
        if (_inFlight.TryGetValue(directory.Id, out var running)) return running;
        directory.WalkListedUntil = now + table.TtlTicks;
        var task = ConfirmAsync(directory, prefix);
        _inFlight[directory.Id] = task;
        return task;
    }

    private async Task ConfirmAsync(Node directory, string prefix)
    {
        try
        {
            await Task.Yield(); // started under the table's lock: the request goes out after it is released
            var entries = await listing.ListAsync(prefix, MaxListedEntries).ConfigureAwait(false);
            if (entries is null) return; // too big to list for a walk: each name is asked about
            lock (table.Gate)
            {
                foreach (var entry in entries)
                {
                    if (table.Child(directory, entry.Name) is not { } node) continue;
                    if (entry.Kind == NodeKind.Directory && node.IsDirectory) table.ConfirmDirectory(node);
                    else if (entry.LastModified is { } modified && !node.IsDirectory) table.ConfirmListed(node, entry.ETag, entry.Size, modified);
                }
            }
        }
        finally
        {
            lock (table.Gate) _inFlight.Remove(directory.Id);
        }
    }
}
