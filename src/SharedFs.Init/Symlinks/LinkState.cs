namespace SharedFs.Init.Symlinks;

/// <summary>What is at APP_ROOT/P now.</summary>
internal enum LinkStateKind { Missing, CorrectLink, Directory, Unsafe }

/// <param name="Problem">For <see cref="LinkStateKind.Unsafe"/>: why it will not be touched.</param>
internal readonly record struct LinkState(LinkStateKind Kind, string? Problem = null);
