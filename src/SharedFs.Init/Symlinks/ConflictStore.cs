namespace SharedFs.Init.Symlinks;

/// <summary>
/// APP_ROOT/.sharedfs-conflicts/P/...: where slug entries that cannot go into storage are kept, under their own
/// relative path. A name already taken (an earlier boot) gets ".1", ".2"... so nothing is ever overwritten.
/// It is inside the app root, hence on the same filesystem as the slug: a rename, never a copy.
/// </summary>
internal sealed class ConflictStore(string appRoot)
{
    public string Root { get; } = Path.Combine(appRoot, RelativePathRule.ConflictsDirectoryName);

    public string Keep(string localPath, string relativePath)
    {
        string target = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string candidate = target;
        for (int n = 1; Exists(candidate); n++) candidate = $"{target}.{n}";
        if (Directory.Exists(localPath) && new FileInfo(localPath).LinkTarget is null) Directory.Move(localPath, candidate);
        else File.Move(localPath, candidate);
        return candidate;
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;
}
