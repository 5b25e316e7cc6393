using System.Text;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>
/// IDirectoryFiller over libfuse's fuse_fill_dir_t. Entries are added with offset 0, so libfuse buffers the
/// whole listing and pages it to the kernel itself.
/// </summary>
internal sealed unsafe class DirectoryFillerAdapter(
    void* buffer, delegate* unmanaged[Cdecl]<void*, byte*, NativeStat*, long, int, int> filler) : IDirectoryFiller
{
    private const int StackNameLimit = 1024;

    public bool Add(string name) => Fill(name, null);

    public bool Add(string name, in FileStat stat)
    {
        NativeStat native;
        NativeConversions.ToNative(stat, &native);
        return Fill(name, &native);
    }

    private bool Fill(string name, NativeStat* stat)
    {
        int max = Encoding.UTF8.GetMaxByteCount(name.Length) + 1;
        Span<byte> utf8 = max <= StackNameLimit ? stackalloc byte[max] : new byte[max];
        int length = Encoding.UTF8.GetBytes(name, utf8);
        utf8[length] = 0;
        fixed (byte* namePtr = utf8)
        {
            // FUSE_FILL_DIR_PLUS hands the attributes to readdirplus; libfuse ignores it for plain readdir.
            int full = filler(buffer, namePtr, stat, 0, stat == null ? 0 : LibFuse.FillDirPlus);
            return full == 0;
        }
    }
}
