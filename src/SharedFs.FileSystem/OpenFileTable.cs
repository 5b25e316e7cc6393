namespace SharedFs.FileSystem;

/// <summary>One open(2) of a file: the shared file state plus this handle's read-ahead.</summary>
internal sealed class FileHandle(OpenFile file, int flags) : IDisposable
{
    public OpenFile File { get; } = file;
    public int Flags { get; } = flags;
    public ReadAhead? ReadAhead { get; set; }
    public Lock Lock { get; } = new();

    /// <summary>
    /// Something was written, truncated or set through this handle since its open. A close of a handle that changed
    /// nothing does not upload: a shell redirect (`cmd > file`) opens the file, dup2()s it and closes the first
    /// descriptor before the data comes, and uploading then would show other containers an empty file.
    /// </summary>
    public bool Changed { get => Volatile.Read(ref _changed); set => Volatile.Write(ref _changed, value); }
    private bool _changed;

    public void Dispose()
    {
        lock (Lock)
        {
            ReadAhead?.Dispose();
            ReadAhead = null;
        }
    }
}

/// <summary>
/// Open files by path and handles by number. The table lock only guards these maps (no I/O under it).
/// A file stays here after its last handle is released for as long as it is dirty (its upload is queued,
/// running, or failed and waiting for a retry), so this mount keeps serving its content meanwhile.
/// </summary>
internal sealed class OpenFileTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, OpenFile> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, FileHandle> _handles = [];
    private ulong _nextHandle;

    public OpenFile? Find(string path)
    {
        lock (_lock) return _byPath.GetValueOrDefault(path);
    }

    /// <summary>
    /// Opens a handle on the file registered for the candidate's path, registering the candidate when there is
    /// none: atomic with <see cref="Retire"/>, so a handle never lands on a file that just left the table.
    /// </summary>
    public (OpenFile File, ulong Handle) Open(OpenFile candidate, int flags)
    {
        lock (_lock)
        {
            if (!_byPath.TryGetValue(candidate.Path, out var file) || file.Unlinked)
            {
                file = candidate;
                _byPath[candidate.Path] = file;
            }
            return (file, OpenHandle(file, flags));
        }
    }

    private ulong OpenHandle(OpenFile file, int flags)
    {
        lock (_lock)
        {
            file.OpenCount++;
            var id = ++_nextHandle;
            _handles[id] = new FileHandle(file, flags);
            return id;
        }
    }

    public FileHandle? Handle(ulong id)
    {
        lock (_lock) return _handles.GetValueOrDefault(id);
    }

    /// <summary>Drops a handle; returns its file when that was the last handle (the caller finishes it).</summary>
    public OpenFile? CloseHandle(ulong id)
    {
        FileHandle? handle;
        lock (_lock)
        {
            if (!_handles.Remove(id, out handle)) return null;
            handle.File.OpenCount--;
            if (handle.File.OpenCount > 0) { handle.Dispose(); return null; }
        }
        handle.Dispose();
        return handle.File;
    }

    /// <summary>Forgets a file that has no handle left and nothing left to upload (an unlinked one has nothing to upload).</summary>
    public void Retire(OpenFile file)
    {
        lock (_lock)
        {
            if (file.OpenCount > 0 || file.IsDirty) return;
            if (_byPath.TryGetValue(file.Path, out var current) && ReferenceEquals(current, file)) _byPath.Remove(file.Path);
        }
        file.Dispose();
    }

    /// <summary>The path no longer names this file (unlinked or renamed over).</summary>
    public void Detach(OpenFile file)
    {
        lock (_lock)
        {
            if (_byPath.TryGetValue(file.Path, out var current) && ReferenceEquals(current, file)) _byPath.Remove(file.Path);
        }
    }

    /// <summary>Moves the open files at or below <paramref name="from"/> to the same place below <paramref name="to"/>.</summary>
    public void Move(string from, string to)
    {
        lock (_lock)
        {
            foreach (var file in _byPath.Values.Where(f => ObjectKeys.IsSameOrBelow(f.Path, from)).ToList())
            {
                _byPath.Remove(file.Path);
                var newPath = to + file.Path[from.Length..];
                file.MoveTo(newPath);
                _byPath[newPath] = file;
            }
        }
    }

    /// <summary>Open files at or below a path (for rename and rmdir).</summary>
    public List<OpenFile> Below(string path)
    {
        lock (_lock) return _byPath.Values.Where(f => ObjectKeys.IsSameOrBelow(f.Path, path)).ToList();
    }

    /// <summary>Open files directly inside a directory (readdir shows files created but not yet uploaded).</summary>
    public List<OpenFile> InDirectory(string directory)
    {
        lock (_lock) return _byPath.Values.Where(f => ObjectKeys.ParentPath(f.Path) == directory).ToList();
    }

    public List<OpenFile> Dirty()
    {
        lock (_lock) return _byPath.Values.Where(f => f.IsDirty).ToList();
    }

    /// <summary>Dirty files at or below a path (fsync of a directory).</summary>
    public List<OpenFile> DirtyBelow(string path)
    {
        lock (_lock) return _byPath.Values.Where(f => f.IsDirty && ObjectKeys.IsSameOrBelow(f.Path, path)).ToList();
    }
}
