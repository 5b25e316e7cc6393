using SharedFs.FileSystem.Nodes;
using SharedFs.FileSystem.Reading;

namespace SharedFs.FileSystem.Handles;

/// <summary>One open(2) of a file: its node, how it was opened, and its own read-ahead.</summary>
internal sealed class FileHandle(Node node, int flags) : IDisposable
{
    private int _changed;

    public Node Node { get; } = node;
    public int Flags { get; } = flags;

    /// <summary>The reads of this handle when the file is not being changed here (null until the first read).</summary>
    public ReadAhead? Reader { get; set; }
    public Lock ReaderLock { get; } = new();

    /// <summary>
    /// Something was written, truncated or set through this handle since its open or its last upload. A close of a
    /// handle that changed nothing uploads nothing: a shell redirect (`cmd > file`) opens the file, dup2()s it and
    /// closes the first descriptor before any data comes, and an upload then would show other containers an empty file.
    /// </summary>
    public bool Changed => Volatile.Read(ref _changed) != 0;

    public void MarkChanged() => Volatile.Write(ref _changed, 1);

    /// <summary>Takes the mark: true when this handle had changed something (the caller uploads it).</summary>
    public bool TakeChanged() => Interlocked.Exchange(ref _changed, 0) != 0;

    public void Dispose()
    {
        lock (ReaderLock)
        {
            Reader?.Dispose();
            Reader = null;
        }
    }
}
