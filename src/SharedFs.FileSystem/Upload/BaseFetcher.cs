using SharedFs.FileSystem.Content;
using SharedFs.Storage;

namespace SharedFs.FileSystem.Upload;

/// <summary>
/// Brings ranges of a file's base version from the bucket into its local content: what a read of a changed file,
/// or an upload that sends the whole file, needs and does not have. Fetched in aligned megabytes, so that small
/// reads do not become many small GETs.
/// </summary>
internal static class BaseFetcher
{
    private const int Alignment = 1 << 20;
    private const int MaxRequest = 4 << 20;

    /// <summary>Makes [start, end) of the file local (written bytes are never overwritten by base bytes).</summary>
    public static async Task EnsureLocalAsync(IObjectStore store, string key, FileContent content, long start, long end)
    {
        var alignedStart = start / Alignment * Alignment;
        var alignedEnd = (end + Alignment - 1) / Alignment * Alignment;
        foreach (var (s, e) in content.MissingBase(alignedStart, alignedEnd))
        {
            var buffer = new byte[(int)Math.Min(MaxRequest, e - s)];
            for (var position = s; position < e;)
            {
                var wanted = (int)Math.Min(buffer.Length, e - position);
                var read = await store.ReadAsync(key, position, buffer.AsMemory(0, wanted)).ConfigureAwait(false);
                if (read <= 0)
                {
                    // The stored object is shorter than it was: the rest reads as zeros (and is not asked for again).
                    buffer.AsSpan(0, wanted).Clear();
                    read = wanted;
                }
                content.FillBase(position, buffer.AsSpan(0, read));
                position += read;
            }
        }
    }
}
