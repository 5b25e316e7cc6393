using System.Text;

namespace SharedFs.Fuse.Native;

/// <summary>Copies between the public managed records and the native structs (no allocation beyond strings).</summary>
internal static unsafe class NativeConversions
{
    /// <summary>Names arrive as NUL-terminated UTF-8.</summary>
    public static string DecodeUtf8(byte* text) =>
        text == null ? "" : Encoding.UTF8.GetString(new ReadOnlySpan<byte>(text, StrLen(text)));

    private static int StrLen(byte* text)
    {
        int length = 0;
        while (text[length] != 0) length++;
        return length;
    }

    public static void ToNative(in FileStat stat, NativeStat* native)
    {
        *native = new NativeStat
        {
            Mode = stat.Mode,
            NLink = stat.LinkCount,
            Uid = stat.Uid,
            Gid = stat.Gid,
            RDev = stat.RDev,
            Size = stat.Size,
            Ino = stat.Inode,
            BlockSize = 4096,
            Blocks = (stat.Size + 511) / 512, // du and ls -s count 512-byte blocks
            ATime = ToNative(stat.AccessTime),
            MTime = ToNative(stat.ModifyTime),
            CTime = ToNative(stat.ChangeTime),
        };
    }

    public static void ToNative(in FuseEntry entry, NativeEntryParam* native)
    {
        *native = default;
        native->Ino = entry.Inode;
        native->Generation = 1;
        ToNative(entry.Attributes with { Inode = entry.Inode }, &native->Attr);
        native->AttrTimeout = entry.AttributeTimeout.TotalSeconds;
        native->EntryTimeout = entry.EntryTimeout.TotalSeconds;
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

    public static void ToNative(in FuseOpen open, NativeFileInfo* info)
    {
        info->Fh = open.Handle;
        info->Bits = SetBit(info->Bits, NativeFileInfo.KeepCacheBit, open.KeepCache);
        info->Bits = SetBit(info->Bits, NativeFileInfo.DirectIoBit, open.DirectIo);
    }

    private static uint SetBit(uint bits, uint bit, bool on) => on ? bits | bit : bits & ~bit;

    public static ulong? HandleOf(NativeFileInfo* info) => info == null ? null : info->Fh;

    /// <summary>setattr's to_set bits (FUSE_SET_ATTR_*) and the struct stat holding the new values.</summary>
    public static AttributeChanges ToChanges(NativeStat* attr, int toSet)
    {
        const int Mode = 1, Uid = 2, Gid = 4, Size = 8, ATime = 16, MTime = 32, ATimeNow = 128, MTimeNow = 256;
        bool Has(int bit) => (toSet & bit) != 0;
        return new AttributeChanges(
            Has(Mode) ? attr->Mode : null,
            Has(Uid) ? attr->Uid : null,
            Has(Gid) ? attr->Gid : null,
            Has(Size) ? attr->Size : null,
            Has(ATime) && !Has(ATimeNow) ? FromNative(attr->ATime) : null,
            Has(MTime) && !Has(MTimeNow) ? FromNative(attr->MTime) : null,
            Has(ATimeNow),
            Has(MTimeNow));
    }
}
