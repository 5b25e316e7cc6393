using Microsoft.Win32.SafeHandles;

namespace SharedFs.FileSystem;

/// <summary>
/// The folder where written data waits for its upload: one sparse temp file per dirty open file, so that memory
/// stays bounded whatever the file sizes. The folder is 0700 and the files 0600 (they hold other people's data).
/// </summary>
internal sealed class StagingArea
{
    private long _sequence;

    public string Directory { get; }

    public StagingArea(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Files left by a crashed run belong to no open file any more.
        foreach (var stale in System.IO.Directory.EnumerateFiles(directory, "stage-*"))
        {
            try { File.Delete(stale); } catch (IOException) { }
        }
    }

    public StagingFile Create()
    {
        var path = Path.Combine(Directory, $"stage-{Environment.ProcessId}-{Interlocked.Increment(ref _sequence)}");
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        return new StagingFile(path, stream);
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
        try { File.Delete(Path); } catch (IOException) { }
    }
}
