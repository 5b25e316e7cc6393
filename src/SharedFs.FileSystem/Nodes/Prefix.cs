namespace SharedFs.FileSystem.Nodes;

/// <summary>The first bytes of one version of an object (all of it when <see cref="Complete"/>).</summary>
internal sealed record Prefix(string? ETag, byte[] Bytes, bool Complete)
{
    public int Length => Bytes.Length;
}
