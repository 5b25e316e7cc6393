using System.Diagnostics;
using SharedFs.Init.Logging;

namespace SharedFs.Init.Symlinks;

/// <summary>
/// Makes each APP_ROOT/P a symlink to MOUNT/P. The mount root is a parameter, so tests use a plain directory.
/// Idempotent: a correct link is left alone, and a rerun after an interruption finishes the job.
/// With an <paramref name="owner"/> (the app's user), what it creates or moves in storage is given to it, and so is
/// each MOUNT/P that belongs to someone else (made by an earlier boot as root, say); local paths are left as they are.
/// </summary>
internal sealed class SymlinkBuilder(string appRoot, string mountRoot, Log log, StorageOwner? owner = null)
{
    private readonly SymlinkInspector _inspector = new(appRoot, mountRoot);
    private readonly ContentMigrator _migrator = new(new ConflictStore(appRoot), log.Info, owner);
    private readonly StorageDirectories _storage = new(owner);

    /// <summary>Every problem that would stop <see cref="Build"/>, found without changing anything.</summary>
    public IReadOnlyList<string> Preflight(IEnumerable<string> paths) =>
        paths.Select(p => _inspector.Inspect(p)).Where(s => s.Kind == LinkStateKind.Unsafe).Select(s => s.Problem!).ToList();

    /// <summary>Builds every link; returns the conflicts (each already logged). Throws <see cref="SymlinkException"/>.</summary>
    public IReadOnlyList<Conflict> Build(IEnumerable<string> paths)
    {
        var conflicts = new List<Conflict>();
        foreach (string path in paths) conflicts.AddRange(BuildOne(path));
        return conflicts;
    }

    private IReadOnlyList<Conflict> BuildOne(string relative)
    {
        var watch = Stopwatch.StartNew();
        LinkState state = _inspector.Inspect(relative);
        string link = _inspector.LinkPath(relative), target = _inspector.TargetPath(relative);
        if (state.Kind == LinkStateKind.Unsafe) throw new SymlinkException(state.Problem!);
        try
        {
            if (File.Exists(target)) throw new SymlinkException($"\"{target}\" is a file in storage; \"{relative}\" needs a directory there");
            _storage.Create(target);
            if (owner is { } given && !given.Owns(target))
            {
                given.ApplyTo(target);
                log.Info($"gave {target} to uid {given.Uid}, gid {given.Gid} (the app's user)");
            }
            switch (state.Kind)
            {
                case LinkStateKind.CorrectLink:
                    log.Step($"{relative} already links to {target}", watch);
                    return [];
                case LinkStateKind.Missing:
                    Directory.CreateDirectory(Path.GetDirectoryName(link)!);
                    File.CreateSymbolicLink(link, target);
                    log.Step($"linked {relative} -> {target}", watch);
                    return [];
                default:
                    ContentMigrator.Result result = _migrator.Migrate(link, target, relative);
                    foreach (Conflict c in result.Conflicts)
                        log.Warning($"conflict: {c.RelativePath}: {c.Reason}; the slug's copy is kept at {c.KeptAt}");
                    if (Directory.EnumerateFileSystemEntries(link).Any())
                        throw new SymlinkException($"\"{relative}\" is not empty after moving its content into storage");
                    Directory.Delete(link);
                    File.CreateSymbolicLink(link, target);
                    log.Step($"moved {result.FilesMoved} file(s) of {relative} into storage ({result.Conflicts.Count} conflict(s)) and linked it to {target}", watch);
                    return result.Conflicts;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SymlinkException($"cannot link \"{relative}\" to \"{target}\": {e.Message}", e);
        }
    }
}
