using Microsoft.Extensions.Time.Testing;
using SharedFs.FileSystem;
using SharedFs.Fuse;

namespace SharedFs.Core.Tests;

/// <summary>
/// The filesystem core over an in-memory bucket and a virtual clock, driven as the kernel would drive it (the same
/// calls, with inode numbers and handles), with helpers that take paths. Nothing here mounts anything.
/// </summary>
internal sealed class Core : IDisposable
{
    public static readonly FuseContext Caller = new(0, 0, 4242, 0x12);
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1);
    private const int OWrite = 1, OCreate = 0x40, OTrunc = 0x200;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sharedfs-core-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly StagingArea _staging;

    public Core(WriteBackMode writeBack = WriteBackMode.Off, int nodeCapacity = 200_000, long? quota = null)
    {
        Store = new InMemoryObjectStore(Clock);
        _staging = new StagingArea(_folder);
        Fs = new SharedFileSystem(Store, _staging,
            new FileSystemSettings { CacheTtl = Ttl, WriteBack = writeBack, NodeCapacity = nodeCapacity, Quota = quota }, Clock);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    public InMemoryObjectStore Store { get; }
    public SharedFileSystem Fs { get; }

    /// <summary>The inode the kernel would have for the path (each component looked up), or the errno.</summary>
    public async Task<FuseResult<FuseEntry>> LookupAsync(string path)
    {
        var parent = FuseFileSystem.RootInode;
        FuseResult<FuseEntry> entry = default;
        foreach (var name in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            entry = await Fs.LookupAsync(Caller, parent, name);
            if (!entry.Ok) return entry;
            parent = entry.Value.Inode;
        }
        return entry;
    }

    public async Task<ulong> InodeOfAsync(string path)
    {
        var entry = await LookupAsync(path);
        Assert.True(entry.Ok, $"lookup of {path}: errno {entry.Error}");
        return entry.Value.Inode;
    }

    /// <summary>open(O_CREAT|O_TRUNC|O_WRONLY) as the kernel does it: a lookup, then create if missing.</summary>
    public async Task<(ulong Inode, ulong Handle)> CreateAsync(string path, uint mode = 0x1A4)
    {
        var (parent, name) = await ParentAsync(path);
        var lookup = await Fs.LookupAsync(Caller, parent, name);
        if (lookup.Ok)
        {
            var open = await Fs.OpenAsync(Caller, lookup.Value.Inode, OWrite | OTrunc);
            Assert.True(open.Ok, $"open of {path}: errno {open.Error}");
            return (lookup.Value.Inode, open.Value.Handle);
        }
        var created = await Fs.CreateAsync(Caller, parent, name, mode, OWrite | OCreate | OTrunc);
        Assert.True(created.Ok, $"create of {path}: errno {created.Error}");
        return (created.Value.Entry.Inode, created.Value.Open.Handle);
    }

    public async Task<(ulong Parent, string Name)> ParentAsync(string path)
    {
        var slash = path.LastIndexOf('/');
        var parent = slash <= 0 ? FuseFileSystem.RootInode : await InodeOfAsync(path[..slash]);
        return (parent, path[(slash + 1)..]);
    }

    public void Write(ulong inode, ulong handle, byte[] data, long offset = 0) =>
        Assert.Equal(data.Length, Fs.Write(Caller, inode, handle, data, offset));

    /// <summary>close(): flush then release, as the kernel sends them for the last descriptor.</summary>
    public async Task<int> CloseAsync(ulong inode, ulong handle)
    {
        var flushed = await Fs.FlushAsync(Caller, inode, handle);
        await Fs.ReleaseAsync(Caller, inode, handle);
        return flushed;
    }

    public async Task WriteFileAsync(string path, byte[] data)
    {
        var (inode, handle) = await CreateAsync(path);
        Write(inode, handle, data);
        Assert.Equal(0, await CloseAsync(inode, handle));
    }

    /// <summary>open, read everything, close; null for ENOENT.</summary>
    public async Task<byte[]?> ReadFileAsync(string path)
    {
        var entry = await LookupAsync(path);
        if (entry.Error == Errno.ENOENT) return null;
        Assert.True(entry.Ok, $"lookup of {path}: errno {entry.Error}");
        var open = await Fs.OpenAsync(Caller, entry.Value.Inode, 0);
        if (open.Error == Errno.ENOENT) return null;
        Assert.True(open.Ok, $"open of {path}: errno {open.Error}");
        using var content = new MemoryStream();
        var buffer = new byte[128 << 10];
        for (long offset = 0; ; offset += buffer.Length)
        {
            var read = await Fs.ReadAsync(Caller, entry.Value.Inode, open.Value.Handle, buffer, offset);
            Assert.True(read.Ok, $"read of {path}: errno {read.Error}");
            content.Write(buffer, 0, read.Value);
            if (read.Value < buffer.Length) break;
        }
        await CloseAsync(entry.Value.Inode, open.Value.Handle);
        return content.ToArray();
    }

    /// <summary>The names opendir and readdir give, without "." and "..".</summary>
    public async Task<List<string>> ListAsync(string path)
    {
        var inode = path == "/" ? FuseFileSystem.RootInode : await InodeOfAsync(path);
        var open = await Fs.OpenDirectoryAsync(Caller, inode, 0);
        Assert.True(open.Ok, $"opendir of {path}: errno {open.Error}");
        var names = Fs.ListedNames(open.Value.Handle);
        await Fs.ReleaseDirectoryAsync(Caller, inode, open.Value.Handle);
        return names;
    }

    /// <summary>Lets the virtual clock run: server answers older than this stop being trusted.</summary>
    public void Advance(TimeSpan span) => Clock.Advance(span);

    public void Dispose()
    {
        Fs.StopBackgroundWork();
        _staging.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
