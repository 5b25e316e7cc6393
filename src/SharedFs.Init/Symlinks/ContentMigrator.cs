using System.Runtime.ExceptionServices;

namespace SharedFs.Init.Symlinks;

/// <summary>
/// Moves what the slug shipped in APP_ROOT/P into MOUNT/P without overwriting anything storage already has.
/// Copy then delete (rename across filesystems fails with EXDEV); the copy lands under a temporary name and is
/// renamed into place, and the local file is deleted only after that, so an interrupted run loses nothing and a
/// rerun resumes. Entries that cannot go (name taken in storage with other content, symlinks, special files) are
/// kept in the <see cref="ConflictStore"/>. With an <see cref="StorageOwner"/>, the copies and the directories made
/// for them are given to it.
/// </summary>
internal sealed class ContentMigrator(ConflictStore conflicts, Action<string> report, StorageOwner? owner = null)
{
    private const string TemporarySuffix = ".sharedfs-tmp";

    /// <summary>The mount's largest write: one request to the filesystem per chunk.</summary>
    private const int CopyChunk = 1024 * 1024;

    private readonly StorageDirectories _directories = new(owner);

    /// <summary>
    /// Files of one directory copied at once: each copy is a few storage round trips (create, upload on close,
    /// rename = copy + delete), so a slug with many files would otherwise take seconds on the first boot.
    /// </summary>
    private const int ParallelCopies = 8;

    public sealed record Result(int FilesMoved, IReadOnlyList<Conflict> Conflicts);

    public Result Migrate(string localDirectory, string storageDirectory, string relativePath)
    {
        var found = new List<Conflict>();
        var (files, bytes) = MigrationProgress.Measure(localDirectory);
        var progress = new MigrationProgress(relativePath, files, bytes, report);
        int moved = MigrateDirectory(localDirectory, storageDirectory, relativePath, found, progress);
        return new Result(moved, found);
    }

    private int MigrateDirectory(string local, string storage, string relative, List<Conflict> found, MigrationProgress progress)
    {
        int moved = 0;
        var copies = new List<(FileInfo Source, string Destination)>();
        foreach (string localPath in Directory.EnumerateFileSystemEntries(local).Order(StringComparer.Ordinal).ToList())
        {
            string name = Path.GetFileName(localPath);
            string storagePath = Path.Combine(storage, name);
            string entry = $"{relative}/{name}";
            var info = new FileInfo(localPath);

            if (info.LinkTarget is not null || (!info.Exists && !Directory.Exists(localPath)))
                found.Add(Keep(localPath, entry, "symlinks and special files are not stored in the bucket"));
            else if (Directory.Exists(localPath))
            {
                if (File.Exists(storagePath))
                {
                    found.Add(Keep(localPath, entry, "storage has a file where the slug has a directory"));
                    continue;
                }
                _directories.Create(storagePath);
                moved += MigrateDirectory(localPath, storagePath, entry, found, progress);
                if (!Directory.EnumerateFileSystemEntries(localPath).Any()) Directory.Delete(localPath);
            }
            else if (File.Exists(storagePath) || Directory.Exists(storagePath))
            {
                if (File.Exists(storagePath) && SameContent(localPath, storagePath)) File.Delete(localPath);
                else found.Add(Keep(localPath, entry, "storage already has a different entry with that name"));
            }
            else
            {
                copies.Add((info, storagePath));
            }
        }
        CopyAll(copies, progress);
        return moved + copies.Count;
    }

    /// <summary>Copies into place then deletes the local file, <see cref="ParallelCopies"/> at a time; the first failure is rethrown as is.</summary>
    private void CopyAll(List<(FileInfo Source, string Destination)> copies, MigrationProgress progress)
    {
        try
        {
            Parallel.ForEach(copies, new ParallelOptions { MaxDegreeOfParallelism = ParallelCopies }, copy =>
            {
                var size = copy.Source.Length;
                CopyIntoPlace(copy.Source, copy.Destination);
                File.Delete(copy.Source.FullName);
                progress.Moved(size);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private void CopyIntoPlace(FileInfo source, string destination)
    {
        string temporary = destination + TemporarySuffix;
        // Mode (what File.Copy would keep), owner and mtime are set on the open copy: they travel with its upload,
        // where each change after the close would cost a metadata copy on the server. Unbuffered: the chunks go
        // straight to the mount. FileMode.Create replaces a leftover of an interrupted run.
        using (var from = new FileStream(source.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
        using (var to = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            from.CopyTo(to, CopyChunk);
            owner?.ApplyTo(to.SafeFileHandle, temporary); // before the mode: a chown clears set-user-ID and set-group-ID
            File.SetUnixFileMode(to.SafeFileHandle, source.UnixFileMode);
            File.SetLastWriteTimeUtc(to.SafeFileHandle, source.LastWriteTimeUtc);
        }
        // Set again after the close only when it did not stick (to the second): that costs a metadata copy.
        if ((File.GetLastWriteTimeUtc(temporary) - source.LastWriteTimeUtc).Duration() >= TimeSpan.FromSeconds(1))
            File.SetLastWriteTimeUtc(temporary, source.LastWriteTimeUtc);
        File.Move(temporary, destination, overwrite: false);
    }

    private Conflict Keep(string localPath, string relativePath, string reason) =>
        new(relativePath, conflicts.Keep(localPath, relativePath), reason);

    private static bool SameContent(string a, string b)
    {
        var infoA = new FileInfo(a);
        var infoB = new FileInfo(b);
        if (infoA.Length != infoB.Length) return false;
        const int BufferSize = 64 * 1024;
        using FileStream streamA = infoA.OpenRead(), streamB = infoB.OpenRead();
        byte[] bufferA = new byte[BufferSize], bufferB = new byte[BufferSize];
        while (true)
        {
            int read = streamA.ReadAtLeast(bufferA, BufferSize, throwOnEndOfStream: false);
            streamB.ReadExactly(bufferB, 0, read);
            if (!bufferA.AsSpan(0, read).SequenceEqual(bufferB.AsSpan(0, read))) return false;
            if (read < BufferSize) return true;
        }
    }
}
