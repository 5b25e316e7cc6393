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

    /// <summary>
    /// How far our clock's date of an object we wrote and the server's may differ: a PUT's answer carries no
    /// Last-Modified, so we date it ourselves, and a later HEAD dates it by the server's clock, to the second.
    /// </summary>
    private static readonly TimeSpan OwnWriteDating = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The object this mount wrote, as a later answer shows it: same ETag and size, dated within
    /// <see cref="OwnWriteDating"/>. Looser than <see cref="Matches"/>, for what only this mount's view depends on
    /// (a directory's own times), never for telling another container's same-content rewrite apart.
    /// </summary>
    public bool IsOwnWrite(RemoteVersion answer) =>
        ETag == answer.ETag && Size == answer.Size && (LastModified - answer.LastModified).Duration() <= OwnWriteDating;
}
