using System.Collections.Concurrent;
using System.Text;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>
/// One open directory: the filesystem's own handle and a snapshot of its entries. The filesystem lists a
/// directory in one call (at offset 0); the binding then pages the snapshot to the kernel with explicit
/// offsets. libfuse 3.14's own offset-0 buffering drops the readdirplus attributes (fixed upstream in 3.16),
/// which would cost a lookup per entry; with offsets the attributes reach the kernel.
/// </summary>
internal sealed class DirectoryListing(ulong fileSystemHandle)
{
    private static readonly ConcurrentDictionary<ulong, DirectoryListing> Open = new();
    private static long _nextId;

    private List<Entry>? _snapshot;

    public ulong FileSystemHandle { get; } = fileSystemHandle;

    /// <summary>Registers a listing; the returned id is the fh libfuse keeps for the open directory.</summary>
    public static ulong Register(ulong fileSystemHandle)
    {
        ulong id = (ulong)Interlocked.Increment(ref _nextId);
        Open[id] = new DirectoryListing(fileSystemHandle);
        return id;
    }

    public static DirectoryListing? Find(ulong id) => Open.TryGetValue(id, out var listing) ? listing : null;
    public static DirectoryListing? Remove(ulong id) => Open.TryRemove(id, out var listing) ? listing : null;

    /// <summary>Answers one kernel readdir request from <paramref name="offset"/>, listing afresh at offset 0.</summary>
    public unsafe int Fill(Func<IDirectoryFiller, int> list, long offset, void* buffer,
        delegate* unmanaged[Cdecl]<void*, byte*, NativeStat*, long, int, int> filler)
    {
        lock (this)
        {
            if (offset == 0 || _snapshot == null)
            {
                var collector = new Collector();
                int result = list(collector);
                if (result < 0) return result;
                _snapshot = collector.Entries;
            }
            for (int i = (int)Math.Max(offset, 0); i < _snapshot.Count; i++)
                if (!Emit(_snapshot[i], i + 1, buffer, filler)) break; // kernel buffer full: it asks again from i
            return 0;
        }
    }

    private static unsafe bool Emit(in Entry entry, long nextOffset, void* buffer,
        delegate* unmanaged[Cdecl]<void*, byte*, NativeStat*, long, int, int> filler)
    {
        const int stackLimit = 1024;
        int max = Encoding.UTF8.GetMaxByteCount(entry.Name.Length) + 1;
        Span<byte> utf8 = max <= stackLimit ? stackalloc byte[max] : new byte[max];
        utf8[Encoding.UTF8.GetBytes(entry.Name, utf8)] = 0;
        NativeStat stat;
        if (entry.HasStat) NativeConversions.ToNative(entry.Stat, &stat);
        fixed (byte* name = utf8)
            return filler(buffer, name, entry.HasStat ? &stat : null, nextOffset, entry.HasStat ? LibFuse.FillDirPlus : 0) == 0;
    }

    private readonly record struct Entry(string Name, bool HasStat, FileStat Stat);

    /// <summary>The IDirectoryFiller the filesystem sees: collects everything (never full).</summary>
    private sealed class Collector : IDirectoryFiller
    {
        public List<Entry> Entries { get; } = [];

        public bool Add(string name)
        {
            Entries.Add(new Entry(name, false, default));
            return true;
        }

        public bool Add(string name, in FileStat stat)
        {
            Entries.Add(new Entry(name, true, stat));
            return true;
        }
    }
}
