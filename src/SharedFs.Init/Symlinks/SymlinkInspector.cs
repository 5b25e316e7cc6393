using SharedFs.Init.Native;

namespace SharedFs.Init.Symlinks;

/// <summary>
/// Looks at APP_ROOT/P without changing anything: used before mounting (so a bad path fails early) and again
/// right before each link is built. Every existing parent must resolve (through symlinks) inside the app root.
/// </summary>
internal sealed class SymlinkInspector(string appRoot, string mountRoot)
{
    public string LinkPath(string relative) => Path.Combine(appRoot, relative);

    public string TargetPath(string relative) => Path.Combine(mountRoot, relative);

    public LinkState Inspect(string relative)
    {
        if (RelativePathRule.Check(relative) is { } lexical) return Unsafe(lexical);
        string? realRoot = Libc.RealPath(appRoot);
        if (realRoot is null || !Directory.Exists(realRoot)) return Unsafe($"the app root \"{appRoot}\" is not a directory");

        string[] segments = relative.Split('/');
        string current = appRoot;
        for (int i = 0; i < segments.Length; i++)
        {
            current = Path.Combine(current, segments[i]);
            bool last = i == segments.Length - 1;
            var info = new FileInfo(current);
            if (info.LinkTarget is { } linkTarget)
            {
                if (last)
                    return linkTarget == TargetPath(relative)
                        ? new LinkState(LinkStateKind.CorrectLink)
                        : Unsafe($"\"{relative}\" is a symlink to \"{linkTarget}\", not to \"{TargetPath(relative)}\"; remove it from the app");
                string? resolved = Libc.RealPath(current);
                if (resolved is null || !RelativePathRule.IsSameOrBelow(resolved, realRoot) || !Directory.Exists(resolved))
                    return Unsafe($"\"{relative}\" goes through the symlink \"{Path.GetRelativePath(appRoot, current)}\", which does not lead to a directory inside the app root");
                continue;
            }
            if (Directory.Exists(current)) { if (last) return new LinkState(LinkStateKind.Directory); continue; }
            if (File.Exists(current))
                return Unsafe(last
                    ? $"\"{relative}\" is a file in the app; only directories can be shared (remove it or list its directory)"
                    : $"\"{relative}\" goes through \"{Path.GetRelativePath(appRoot, current)}\", which is a file");
            return new LinkState(LinkStateKind.Missing); // the rest gets created as plain directories
        }
        return new LinkState(LinkStateKind.Missing);
    }

    private static LinkState Unsafe(string problem) => new(LinkStateKind.Unsafe, problem);
}
