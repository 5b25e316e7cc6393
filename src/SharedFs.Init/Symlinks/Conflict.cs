namespace SharedFs.Init.Symlinks;

/// <summary>A slug entry that was not moved into storage: it stays on disk at <see cref="KeptAt"/>.</summary>
internal sealed record Conflict(string RelativePath, string KeptAt, string Reason);
