using System.Runtime.InteropServices;
using System.Text;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>
/// The reply of one readdir or readdirplus request: entries are encoded into it until it is full. Each entry
/// carries the offset of the entry after it, so that the kernel's next request starts there.
/// </summary>
public sealed unsafe class DirectoryBuffer : IDisposable
{
    private readonly IntPtr _request;
    private readonly nuint _capacity;
    private byte* _data;
    private nuint _used;

    internal DirectoryBuffer(IntPtr request, nuint capacity, bool plus)
    {
        _request = request;
        _capacity = capacity;
        IsPlus = plus;
        _data = (byte*)NativeMemory.Alloc(Math.Max(capacity, 1));
    }

    /// <summary>readdirplus: every entry carries its attributes and counts one kernel reference to its inode.</summary>
    public bool IsPlus { get; }

    internal byte* Data => _data;
    internal nuint Length => _used;

    /// <summary>Adds one entry; false when it does not fit (nothing was added, and no reference counted).</summary>
    public bool TryAdd(string name, in FuseEntry entry, long nextOffset)
    {
        int max = Encoding.UTF8.GetMaxByteCount(name.Length) + 1;
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[max] : new byte[max];
        utf8[Encoding.UTF8.GetBytes(name, utf8)] = 0;
        nuint needed;
        fixed (byte* text = utf8)
        {
            if (IsPlus)
            {
                NativeEntryParam native;
                NativeConversions.ToNative(entry, &native);
                needed = LibFuse.AddDirectoryEntryPlus(_request, _data + _used, _capacity - _used, text, &native, nextOffset);
            }
            else
            {
                NativeStat stat;
                NativeConversions.ToNative(entry.Attributes, &stat);
                needed = LibFuse.AddDirectoryEntry(_request, _data + _used, _capacity - _used, text, &stat, nextOffset);
            }
        }
        if (needed > _capacity - _used) return false;
        _used += needed;
        return true;
    }

    public void Dispose()
    {
        if (_data == null) return;
        NativeMemory.Free(_data);
        _data = null;
    }
}
