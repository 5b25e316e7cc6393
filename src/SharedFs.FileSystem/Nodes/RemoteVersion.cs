namespace SharedFs.FileSystem.Nodes;

/// <summary>
/// What the bucket proved about a node's object, and when: enough to tell a later listing or answer of another
/// version apart (ETag, size, Last-Modified), and what a rewrite of the metadata must keep (Content-Type).
/// </summary>
internal sealed record RemoteVersion(string? ETag, long Size, DateTimeOffset LastModified, string? ContentType, DirectoryForm Form)
{
    /// <summary>The same object as a listing entry shows it (listings carry size, ETag and Last-Modified only).</summary>
    public bool Matches(string? etag, long size, DateTimeOffset lastModified) =>
        ETag == etag && Size == size && LastModified.ToUnixTimeSeconds() == lastModified.ToUnixTimeSeconds();
}
