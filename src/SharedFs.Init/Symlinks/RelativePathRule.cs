namespace SharedFs.Init.Symlinks;

/// <summary>
/// The lexical rules for one entry of SCALINGO_SHAREDFS_SYMLINKS: a relative path made of plain names.
/// Escapes through existing symlinks are checked against the disk by <see cref="SymlinkInspector"/>.
/// </summary>
internal static class RelativePathRule
{
    public const string ConflictsDirectoryName = ".sharedfs-conflicts";

    /// <summary>Null when acceptable, otherwise why not.</summary>
    public static string? Check(string path)
    {
        if (path.Length == 0) return "contains an empty path";
        if (path.StartsWith('/')) return $"\"{path}\" is absolute; paths are relative to the app root";
        if (path.Contains('\0')) return $"\"{path}\" contains a NUL character";
        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0) return $"\"{path}\" has an empty segment (\"//\" or a trailing \"/\")";
            if (segment == ".") return $"\"{path}\" has a \".\" segment";
            if (segment == "..") return $"\"{path}\" has a \"..\" segment";
        }
        if (path.Split('/')[0] == ConflictsDirectoryName) return $"\"{path}\" is inside {ConflictsDirectoryName}, which sharedfs-init manages";
        return null;
    }

    /// <summary>True when <paramref name="inner"/> is <paramref name="outer"/> or lies below it.</summary>
    public static bool IsSameOrBelow(string inner, string outer) =>
        inner == outer || inner.StartsWith(outer.TrimEnd('/') + "/", StringComparison.Ordinal);
}
