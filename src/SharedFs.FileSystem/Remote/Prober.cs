using System.Buffers;
using System.Text;
using SharedFs.FileSystem.Metadata;
using SharedFs.FileSystem.Nodes;
using SharedFs.Storage;

namespace SharedFs.FileSystem.Remote;

/// <summary>
/// Asks the bucket what a key is, in as few round trips as the question allows. A name nothing is known of costs
/// one round trip: the GET of the file's first bytes (which also tells the metadata), the HEAD of the directory
/// marker and a one-key listing of the directory prefix, sent at once. A name known to be a file or a directory
/// is asked about in that form first. Only the bucket ever answers "no such name".
/// </summary>
internal sealed class Prober(IObjectStore store, MetadataCodec codec)
{
    /// <summary>
    /// A lookup or an open brings this much of a file with its metadata: most files a web app serves (thumbnails,
    /// icons, small documents) come whole, so the open and read that follow need no request.
    /// </summary>
    public const int PrefetchBytes = 64 << 10;

    /// <summary>
    /// Every form the name can take, asked at once. The file wins over a directory of the same name (as in s3fs), so
    /// a file found answers at once, without waiting for the directory probes (their answers are dropped).
    /// </summary>
    public async Task<RemoteAnswer?> ProbeNameAsync(string key)
    {
        var file = FetchFileAsync(key);
        var directory = ProbeDirectoryAsync(key);
        RemoteAnswer? found;
        try
        {
            found = await file.ConfigureAwait(false);
        }
        finally
        {
            // Its answer may not be needed; its failure is then not the caller's either (only observed).
            _ = directory.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }
        return found ?? await directory.ConfigureAwait(false);
    }

    /// <summary>
    /// The name as this mount last knew it (a file or a directory): asked in that form, then in every form when it
    /// is no longer so (someone removed it, or made a directory of a file's name).
    /// </summary>
    public async Task<RemoteAnswer?> RevalidateAsync(string key, NodeKind kind, RemoteVersion? known)
    {
        var answer = kind == NodeKind.Directory
            ? await ProbeKnownDirectoryAsync(key, known?.Form ?? DirectoryForm.Marker).ConfigureAwait(false)
            : known is { Size: > PrefetchBytes } ? await HeadFileAsync(key).ConfigureAwait(false) : await FetchFileAsync(key).ConfigureAwait(false);
        return answer ?? await ProbeNameAsync(key).ConfigureAwait(false);
    }

    /// <summary>
    /// One GET of the first <see cref="PrefetchBytes"/> with the metadata. An empty object comes without metadata
    /// (a ranged GET of nothing carries none), so it costs a HEAD more.
    /// </summary>
    public async Task<RemoteAnswer?> FetchFileAsync(string key)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PrefetchBytes);
        try
        {
            var first = await store.ReadFirstBytesAsync(key, buffer.AsMemory(0, PrefetchBytes)).ConfigureAwait(false);
            if (!first.Exists) return null;
            if (first.Info is not { } info) return await HeadFileAsync(key).ConfigureAwait(false);
            var answer = codec.Decode(info, DirectoryForm.None);
            var complete = first.Read >= info.Size;
            var bytes = buffer.AsSpan(0, first.Read).ToArray();
            return answer.Kind switch
            {
                NodeKind.File => answer with { Prefix = new Prefix(info.ETag, bytes, complete) },
                NodeKind.SymbolicLink when complete => answer with { LinkTarget = Encoding.UTF8.GetString(bytes) },
                _ => answer,
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<RemoteAnswer?> HeadFileAsync(string key)
    {
        var info = await store.HeadAsync(key).ConfigureAwait(false);
        return info is null ? null : codec.Decode(info, DirectoryForm.None);
    }

    /// <summary>The marker and the children, asked at once: a marker's metadata wins, children alone make an implicit directory.</summary>
    public async Task<RemoteAnswer?> ProbeDirectoryAsync(string key)
    {
        var marker = store.HeadAsync(key + "/");
        var children = store.ListPageAsync(key + "/", null, null, 1);
        await Task.WhenAll(marker, children).ConfigureAwait(false);
        if (await marker.ConfigureAwait(false) is { } markerInfo) return codec.Decode(markerInfo, DirectoryForm.Marker);
        var page = await children.ConfigureAwait(false);
        if (page.Objects.Count > 0 || page.CommonPrefixes.Count > 0) return codec.ImplicitDirectory(page.Objects.FirstOrDefault()?.LastModified);
        return null;
    }

    /// <summary>A directory in the form it had: the HEAD of its marker or legacy object alone, else the full probe.</summary>
    private async Task<RemoteAnswer?> ProbeKnownDirectoryAsync(string key, DirectoryForm form)
    {
        switch (form)
        {
            case DirectoryForm.Marker:
                var marker = await store.HeadAsync(key + "/").ConfigureAwait(false);
                return marker is null ? null : codec.Decode(marker, DirectoryForm.Marker);
            case DirectoryForm.LegacyFolder:
                var legacy = await store.HeadAsync(key + ObjectKeys.FolderSuffix).ConfigureAwait(false);
                return legacy is null ? await ProbeDirectoryAsync(key).ConfigureAwait(false) : codec.Decode(legacy, DirectoryForm.LegacyFolder);
            default:
                return await ProbeDirectoryAsync(key).ConfigureAwait(false);
        }
    }
}
