using System.Collections.Concurrent;

namespace SharedFs.FileSystem.Handles;

/// <summary>Open files and directories by the number the kernel keeps for them.</summary>
internal sealed class HandleTable
{
    private readonly ConcurrentDictionary<ulong, FileHandle> _files = new();
    private readonly ConcurrentDictionary<ulong, DirectoryHandle> _directories = new();
    private long _next;

    public ulong Add(FileHandle handle)
    {
        var id = (ulong)Interlocked.Increment(ref _next);
        _files[id] = handle;
        return id;
    }

    public ulong Add(DirectoryHandle handle)
    {
        var id = (ulong)Interlocked.Increment(ref _next);
        _directories[id] = handle;
        return id;
    }

    public FileHandle? File(ulong id) => _files.GetValueOrDefault(id);
    public DirectoryHandle? Directory(ulong id) => _directories.GetValueOrDefault(id);

    public FileHandle? RemoveFile(ulong id) => _files.TryRemove(id, out var handle) ? handle : null;
    public DirectoryHandle? RemoveDirectory(ulong id) => _directories.TryRemove(id, out var handle) ? handle : null;

    public IEnumerable<FileHandle> Files => _files.Values;

    public int FileCount => _files.Count;
}
