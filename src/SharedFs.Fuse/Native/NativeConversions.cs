using System.Text;
using System.Text.Unicode;

namespace SharedFs.Fuse.Native;

/// <summary>Copies between the public managed records and the native structs (no allocation beyond strings).</summary>
internal static unsafe class NativeConversions
{
    /// <summary>Paths and names arrive as NUL-terminated UTF-8; a null path (file unlinked while open) becomes "".</summary>
    public static string DecodeUtf8(byte* text) =>
        text == null ? "" : Encoding.UTF8.GetString(new ReadOnlySpan<byte>(text, StrLen(text)));

    private static int StrLen(byte* text)
    {
        int length = 0;
        while (text[length] != 0) length++;
        return length;
    }

    /// <summary>Writes <paramref name="text"/> as NUL-terminated UTF-8, truncated to fit (readlink semantics).</summary>
    public static void EncodeTruncated(string text, byte* buffer, nuint size)
    {
        if (size == 0) return;
        var destination = new Span<byte>(buffer, (int)Math.Min(size - 1, int.MaxValue - 1));
        Utf8.FromUtf16(text, destination, out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
        buffer[written] = 0;
    }

    public static void ToNative(in FileStat stat, NativeStat* native)
    {
        *native = new NativeStat
        {
            Mode = stat.Mode,
            NLink = stat.LinkCount,
            Uid = stat.Uid,
            Gid = stat.Gid,
            Size = stat.Size,
            Ino = stat.Inode,
            Blocks = (stat.Size + 511) / 512, // du and ls -s count 512-byte blocks
            ATime = ToNative(stat.AccessTime),
            MTime = ToNative(stat.ModifyTime),
            CTime = ToNative(stat.ChangeTime),
        };
    }

    public static NativeTimeSpec ToNative(TimeSpec time) => new() { Seconds = time.Seconds, Nanoseconds = time.Nanoseconds };

    public static TimeSpec FromNative(in NativeTimeSpec time) => new(time.Seconds, time.Nanoseconds);

    public static void ToNative(in FileSystemStats stats, NativeStatVfs* native)
    {
        *native = new NativeStatVfs
        {
            BlockSize = stats.BlockSize,
            FragmentSize = stats.FragmentSize,
            Blocks = stats.Blocks,
            BlocksFree = stats.BlocksFree,
            BlocksAvailable = stats.BlocksAvailable,
            Files = stats.Files,
            FilesFree = stats.FilesFree,
            FilesAvailable = stats.FilesFree,
            NameMax = stats.MaxNameLength,
        };
    }

    public static OpenInfo FromNative(NativeFileInfo* info) => new()
    {
        Flags = info->Flags,
        Handle = info->Fh,
        KeepCache = (info->Bits & NativeFileInfo.KeepCacheBit) != 0,
        DirectIo = (info->Bits & NativeFileInfo.DirectIoBit) != 0,
    };

    /// <summary>Hands back what the filesystem may change: its handle and the caching choices.</summary>
    public static void CopyBack(in OpenInfo open, NativeFileInfo* info)
    {
        info->Fh = open.Handle;
        info->Bits = SetBit(info->Bits, NativeFileInfo.KeepCacheBit, open.KeepCache);
        info->Bits = SetBit(info->Bits, NativeFileInfo.DirectIoBit, open.DirectIo);
    }

    private static uint SetBit(uint bits, uint bit, bool on) => on ? bits | bit : bits & ~bit;

    public static ulong? HandleOf(NativeFileInfo* info) => info == null ? null : info->Fh;
}
