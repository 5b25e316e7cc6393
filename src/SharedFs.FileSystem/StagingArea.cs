using Microsoft.Win32.SafeHandles;

namespace SharedFs.FileSystem;

/// <summary>
/// The folder where written data waits for its upload: one sparse temp file per dirty open file, so that memory
/// stays bounded whatever the file sizes. The folder is 0700 and the files 0600 (they hold other people's data).
/// </summary>
internal sealed class StagingArea : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const string AreaPrefix = "area-", CrashedPrefix = "crashed-", LockName = ".lock";

    private readonly FileStream _lock;
    private long _sequence;

    /// <summary>This mount's own folder inside the shared staging folder.</summary>
    public string Directory { get; }

    /// <summary>
    /// Several mounts may share one staging folder (every init is PID 1 in its container, so pids collide): each
    /// mount works in its own sub-folder, held by an exclusive lock on a file inside it for as long as it lives.
    /// </summary>
    public StagingArea(string sharedDirectory)
    {
        System.IO.Directory.CreateDirectory(sharedDirectory);
        File.SetUnixFileMode(sharedDirectory, OwnerOnly);
        KeepAreasOfDeadMounts(sharedDirectory);
        Directory = Path.Combine(sharedDirectory, AreaPrefix + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory, OwnerOnly);
        _lock = OpenLock(Directory) ?? throw new IOException($"cannot lock the staging folder {Directory}");
    }

    /// <summary>
    /// An area whose lock nobody holds was left by a mount that ended without its unmount (killed, crashed). Its
    /// files may be the only copy of data that never reached the bucket: an area that holds any is kept, renamed
    /// <c>crashed-*</c>, and reported (never uploaded: the bucket may hold newer versions by now); an empty one goes.
    /// </summary>
    private static void KeepAreasOfDeadMounts(string sharedDirectory)
    {
        foreach (var area in System.IO.Directory.EnumerateDirectories(sharedDirectory, AreaPrefix + "*"))
        {
            var staged = StagedFiles(area);
            using (var heldByNobody = OpenLock(area))
            {
                if (heldByNobody is null) continue;
                if (staged.Count == 0)
                {
                    System.IO.Directory.Delete(area, recursive: true);
                    continue;
                }
            }
            var kept = Path.Combine(sharedDirectory, $"{CrashedPrefix}{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{Path.GetFileName(area)[AreaPrefix.Length..]}");
            System.IO.Directory.Move(area, kept);
            var bytes = staged.Sum(file => file.Length);
            FsLog.Warn($"staging: a mount that ended without unmounting left {staged.Count} staged file(s) ({bytes / 1048576.0:0.0} MiB) " +
                $"that may never have reached the bucket; kept in {kept}, not uploaded (the bucket may hold newer versions): inspect them, then delete the folder");
        }
        var crashed = System.IO.Directory.GetDirectories(sharedDirectory, CrashedPrefix + "*");
        if (crashed.Length > 0)
            FsLog.Warn($"staging: {crashed.Length} folder(s) of data left by mounts that did not unmount are kept in {sharedDirectory} ({CrashedPrefix}*): delete them once checked");
    }

    private static List<FileInfo> StagedFiles(string area) =>
        new DirectoryInfo(area).EnumerateFiles("*", SearchOption.AllDirectories).Where(file => file.Name != LockName).ToList();

    /// <summary>The area's lock file opened exclusively (.NET takes a flock for FileShare.None), or null when held.</summary>
    private static FileStream? OpenLock(string area)
    {
        try
        {
            return new FileStream(Path.Combine(area, LockName), new FileStreamOptions
            {
                Mode = System.IO.FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException)
        {
            return null;
        }
    }

    public StagingFile Create()
    {
        var path = Path.Combine(Directory, $"stage-{Interlocked.Increment(ref _sequence)}");
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        return new StagingFile(path, stream);
    }

    /// <summary>Removes this mount's folder; called once every open file is gone.</summary>
    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException e)
        {
            FsLog.Warn($"staging: could not remove {Directory}: {e.Message}");
        }
        _lock.Dispose();
    }
}

/// <summary>One staging file, read and written at explicit offsets (thread-safe positional I/O).</summary>
internal sealed class StagingFile(string path, FileStream stream) : IDisposable
{
    private readonly SafeFileHandle handle = stream.SafeFileHandle;

    public string Path { get; } = path;

    public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(handle, data, offset);

    /// <summary>Reads exactly buffer.Length bytes; holes and the part past the end read as zeros.</summary>
    public void Read(long offset, Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[done..], offset + done);
            if (n <= 0) { buffer[done..].Clear(); return; }
            done += n;
        }
    }

    public void SetLength(long length) => RandomAccess.SetLength(handle, length);

    public long Length => RandomAccess.GetLength(handle);

    /// <summary>A read-only stream over [offset, offset+length) of this file, for an upload.</summary>
    public Stream OpenRead(long offset, long length) => new StagingReadStream(handle, offset, length);

    public void Dispose()
    {
        stream.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException e)
        {
            FsLog.Warn($"staging: could not remove {Path}: {e.Message}");
        }
    }
}
