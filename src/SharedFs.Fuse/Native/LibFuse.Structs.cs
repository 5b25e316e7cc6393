using System.Runtime.InteropServices;

namespace SharedFs.Fuse.Native;

// Managed mirrors of the C structs the binding reads or writes, for x86_64 Linux, glibc, libfuse 3.14
// (FUSE_USE_VERSION 312, _FILE_OFFSET_BITS=64). Offsets are explicit where padding matters; the layout
// tests compile a C probe against the real headers and compare every offset used here.

[StructLayout(LayoutKind.Sequential)]
internal struct NativeTimeSpec
{
    public long Seconds;
    public long Nanoseconds;
}

/// <summary>struct stat (144 bytes): st_nlink precedes st_mode on x86_64.</summary>
[StructLayout(LayoutKind.Explicit, Size = 144)]
internal struct NativeStat
{
    [FieldOffset(0)] public ulong Dev;
    [FieldOffset(8)] public ulong Ino;
    [FieldOffset(16)] public ulong NLink;
    [FieldOffset(24)] public uint Mode;
    [FieldOffset(28)] public uint Uid;
    [FieldOffset(32)] public uint Gid;
    [FieldOffset(40)] public ulong RDev;
    [FieldOffset(48)] public long Size;
    [FieldOffset(56)] public long BlockSize;
    [FieldOffset(64)] public long Blocks;
    [FieldOffset(72)] public NativeTimeSpec ATime;
    [FieldOffset(88)] public NativeTimeSpec MTime;
    [FieldOffset(104)] public NativeTimeSpec CTime;
}

/// <summary>struct statvfs (112 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 112)]
internal struct NativeStatVfs
{
    [FieldOffset(0)] public ulong BlockSize;
    [FieldOffset(8)] public ulong FragmentSize;
    [FieldOffset(16)] public ulong Blocks;
    [FieldOffset(24)] public ulong BlocksFree;
    [FieldOffset(32)] public ulong BlocksAvailable;
    [FieldOffset(40)] public ulong Files;
    [FieldOffset(48)] public ulong FilesFree;
    [FieldOffset(56)] public ulong FilesAvailable;
    [FieldOffset(64)] public ulong FsId;
    [FieldOffset(72)] public ulong Flags;
    [FieldOffset(80)] public ulong NameMax;
}

/// <summary>struct fuse_file_info (40 bytes); the C bitfields live in one 32-bit word at offset 4.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct NativeFileInfo
{
    public const uint DirectIoBit = 1u << 1, KeepCacheBit = 1u << 2, FlushBit = 1u << 3;

    [FieldOffset(0)] public int Flags;
    [FieldOffset(4)] public uint Bits;
    [FieldOffset(16)] public ulong Fh;
    [FieldOffset(24)] public ulong LockOwner;
    [FieldOffset(32)] public uint PollEvents;
}

/// <summary>struct fuse_entry_param (176 bytes): the answer to a lookup, and to every call that makes a name.</summary>
[StructLayout(LayoutKind.Explicit, Size = 176)]
internal struct NativeEntryParam
{
    [FieldOffset(0)] public ulong Ino;
    [FieldOffset(8)] public ulong Generation;
    [FieldOffset(16)] public NativeStat Attr;
    [FieldOffset(160)] public double AttrTimeout;
    [FieldOffset(168)] public double EntryTimeout;
}

/// <summary>struct fuse_ctx: who issued a request.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeRequestContext
{
    public uint Uid;
    public uint Gid;
    public int Pid;
    public uint Umask;
}

/// <summary>struct fuse_forget_data: one inode of a batch forget.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeForget
{
    public ulong Ino;
    public ulong Count;
}

/// <summary>struct fuse_conn_info (3.14, 128 bytes): negotiated in the init callback.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseConnInfo
{
    public const uint CapAsyncRead = 1u << 0, CapAtomicOTrunc = 1u << 3, CapAutoInvalData = 1u << 12,
        CapReaddirPlus = 1u << 13, CapReaddirPlusAuto = 1u << 14, CapParallelDirops = 1u << 18,
        CapHandleKillPriv = 1u << 20;

    public uint ProtoMajor;
    public uint ProtoMinor;
    public uint MaxWrite;
    public uint MaxRead;
    public uint MaxReadahead;
    public uint Capable;
    public uint Want;
    public uint MaxBackground;
    public uint CongestionThreshold;
    public uint TimeGran;
    public fixed uint Reserved[22];
}

/// <summary>struct fuse_args: argv handed to fuse_session_new (strings owned by libfuse via fuse_opt_add_arg).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseArgs
{
    public int Argc;
    public IntPtr Argv;
    public int Allocated;
}
