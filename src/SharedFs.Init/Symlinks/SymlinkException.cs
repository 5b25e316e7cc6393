namespace SharedFs.Init.Symlinks;

/// <summary>A symlink that cannot be built safely; nothing has been changed for that path.</summary>
internal sealed class SymlinkException(string message, Exception? inner = null) : Exception(message, inner);
