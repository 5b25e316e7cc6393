using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharedFs.Fuse.Native;
using SharedFs.Fuse.Tests.Infrastructure;

namespace SharedFs.Fuse.Tests;

/// <summary>
/// Compiles a C probe against the installed headers and checks every size, offset, bit and constant the
/// binding marshals. A libfuse or libc update that moves a field fails here, not as memory corruption.
/// </summary>
public sealed unsafe class LayoutTests
{
    private static readonly string[] OperationNames =
    [
        "init", "destroy", "lookup", "forget", "getattr", "setattr", "readlink", "mknod", "mkdir", "unlink", "rmdir",
        "symlink", "rename", "link", "open", "read", "write", "flush", "release", "fsync", "opendir", "readdir",
        "releasedir", "fsyncdir", "statfs", "setxattr", "getxattr", "listxattr", "removexattr", "access", "create",
        "getlk", "setlk", "bmap", "ioctl", "poll", "write_buf", "retrieve_reply", "forget_multi", "flock", "fallocate",
        "readdirplus", "copy_file_range", "lseek",
    ];

    private static readonly (string C, string Managed)[] StatFields =
    [
        ("st_dev", "Dev"), ("st_ino", "Ino"), ("st_nlink", "NLink"), ("st_mode", "Mode"), ("st_uid", "Uid"),
        ("st_gid", "Gid"), ("st_rdev", "RDev"), ("st_size", "Size"), ("st_blksize", "BlockSize"),
        ("st_blocks", "Blocks"), ("st_atim", "ATime"), ("st_mtim", "MTime"), ("st_ctim", "CTime"),
    ];

    private static readonly (string C, string Managed)[] StatVfsFields =
    [
        ("f_bsize", "BlockSize"), ("f_frsize", "FragmentSize"), ("f_blocks", "Blocks"), ("f_bfree", "BlocksFree"),
        ("f_bavail", "BlocksAvailable"), ("f_files", "Files"), ("f_ffree", "FilesFree"), ("f_favail", "FilesAvailable"),
        ("f_fsid", "FsId"), ("f_flag", "Flags"), ("f_namemax", "NameMax"),
    ];

    private static readonly (string C, string Managed)[] FileInfoFields =
        [("flags", "Flags"), ("fh", "Fh"), ("lock_owner", "LockOwner"), ("poll_events", "PollEvents")];

    private static readonly (string C, string Managed)[] EntryFields =
    [
        ("ino", "Ino"), ("generation", "Generation"), ("attr", "Attr"), ("attr_timeout", "AttrTimeout"), ("entry_timeout", "EntryTimeout"),
    ];

    private static readonly (string C, string Managed)[] ConnFields =
    [
        ("proto_major", "ProtoMajor"), ("proto_minor", "ProtoMinor"), ("max_write", "MaxWrite"), ("max_read", "MaxRead"),
        ("max_readahead", "MaxReadahead"), ("capable", "Capable"), ("want", "Want"), ("max_background", "MaxBackground"),
        ("congestion_threshold", "CongestionThreshold"), ("time_gran", "TimeGran"), ("reserved", "Reserved"),
    ];

    private static readonly (string C, string Managed)[] ContextFields =
        [("uid", "Uid"), ("gid", "Gid"), ("pid", "Pid"), ("umask", "Umask")];

    private static readonly (string C, string Managed)[] ForgetFields = [("ino", "Ino"), ("nlookup", "Count")];

    private static readonly (string C, string Managed)[] ArgsFields =
        [("argc", "Argc"), ("argv", "Argv"), ("allocated", "Allocated")];

    private static readonly Lazy<Dictionary<string, long>> Probe = new(RunProbe);

    [Fact]
    public void Stat_matches_the_header() =>
        AssertStruct<NativeStat>("struct stat", StatFields);

    [Fact]
    public void Timespec_matches_the_header()
    {
        AssertStruct<NativeTimeSpec>("struct timespec", [("tv_sec", "Seconds"), ("tv_nsec", "Nanoseconds")]);
    }

    [Fact]
    public void Statvfs_matches_the_header() => AssertStruct<NativeStatVfs>("struct statvfs", StatVfsFields);

    [Fact]
    public void File_info_matches_the_header_including_bitfields()
    {
        AssertStruct<NativeFileInfo>("struct fuse_file_info", FileInfoFields);
        Assert.Equal(4, Marshal.OffsetOf<NativeFileInfo>(nameof(NativeFileInfo.Bits)).ToInt64());
        AssertConstant("bits fuse_file_info.direct_io", NativeFileInfo.DirectIoBit);
        AssertConstant("bits fuse_file_info.keep_cache", NativeFileInfo.KeepCacheBit);
    }

    [Fact]
    public void Entry_param_matches_the_header() => AssertStruct<NativeEntryParam>("struct fuse_entry_param", EntryFields);

    [Fact]
    public void Forget_data_matches_the_header() => AssertStruct<NativeForget>("struct fuse_forget_data", ForgetFields);

    [Fact]
    public void Conn_info_matches_the_header_and_capability_bits()
    {
        AssertStruct<FuseConnInfo>("struct fuse_conn_info", ConnFields);
        AssertConstant("const FUSE_CAP_ASYNC_READ", FuseConnInfo.CapAsyncRead);
        AssertConstant("const FUSE_CAP_ATOMIC_O_TRUNC", FuseConnInfo.CapAtomicOTrunc);
        AssertConstant("const FUSE_CAP_AUTO_INVAL_DATA", FuseConnInfo.CapAutoInvalData);
        AssertConstant("const FUSE_CAP_READDIRPLUS", FuseConnInfo.CapReaddirPlus);
        AssertConstant("const FUSE_CAP_READDIRPLUS_AUTO", FuseConnInfo.CapReaddirPlusAuto);
        AssertConstant("const FUSE_CAP_PARALLEL_DIROPS", FuseConnInfo.CapParallelDirops);
        AssertConstant("const FUSE_CAP_HANDLE_KILLPRIV", FuseConnInfo.CapHandleKillPriv);
    }

    [Fact]
    public void Context_and_args_match_the_header()
    {
        AssertStruct<NativeRequestContext>("struct fuse_ctx", ContextFields);
        AssertStruct<FuseArgs>("struct fuse_args", ArgsFields);
    }

    [Fact]
    public void Setattr_bits_match_the_header()
    {
        foreach (var (name, bit) in new[] { ("MODE", 1), ("UID", 2), ("GID", 4), ("SIZE", 8), ("ATIME", 16), ("MTIME", 32), ("ATIME_NOW", 128), ("MTIME_NOW", 256) })
            AssertConstant($"const FUSE_SET_ATTR_{name}", bit);
    }

    [Fact]
    public void Operations_table_has_every_member_at_its_header_offset()
    {
        var probe = Probe.Value;
        Assert.Equal(probe["sizeof struct fuse_lowlevel_ops"], sizeof(FuseLowLevelOperations));
        Assert.Equal(OperationNames.Length * IntPtr.Size, sizeof(FuseLowLevelOperations));
        Assert.Equal(FuseLowLevelOperations.MemberCount, OperationNames.Length);
        // Managed members are declared in header order, one pointer each: member i sits at i * 8.
        var managed = typeof(FuseLowLevelOperations).GetFields().Where(f => !f.IsStatic && !f.IsLiteral)
            .Select(f => (f.Name, Offset: Marshal.OffsetOf<FuseLowLevelOperations>(f.Name).ToInt64())).OrderBy(f => f.Offset).ToArray();
        Assert.Equal(OperationNames.Length, managed.Length);
        for (int i = 0; i < OperationNames.Length; i++)
        {
            Assert.Equal(probe[$"offsetof struct fuse_lowlevel_ops.{OperationNames[i]}"], managed[i].Offset);
            Assert.Equal(Normalize(OperationNames[i]), Normalize(managed[i].Name));
        }
    }

    /// <summary>The header's value is the expected one; managed constants must follow it.</summary>
    private static void AssertConstant(string probeKey, long managed)
    {
        long header = Probe.Value[probeKey];
        Assert.True(header == managed, $"{probeKey}: header {header}, managed {managed}");
    }

    private static string Normalize(string name) => name.Replace("_", "").ToLowerInvariant();

    private static void AssertStruct<T>(string cName, (string C, string Managed)[] fields) where T : unmanaged
    {
        var probe = Probe.Value;
        var mismatches = new List<string>();
        if (probe[$"sizeof {cName}"] != Unsafe.SizeOf<T>())
            mismatches.Add($"sizeof: C {probe[$"sizeof {cName}"]}, managed {Unsafe.SizeOf<T>()}");
        foreach (var (c, managed) in fields)
        {
            long expected = probe[$"offsetof {cName}.{c}"];
            long actual = Marshal.OffsetOf<T>(managed).ToInt64();
            if (expected != actual) mismatches.Add($"{c}: C {expected}, managed {managed} {actual}");
        }
        Assert.True(mismatches.Count == 0, $"{cName} layout differs: {string.Join("; ", mismatches)}");
    }

    private static Dictionary<string, long> RunProbe()
    {
        FuseEnvironment.RequireCompiler();
        var source = new System.Text.StringBuilder("""
            #include <fuse_lowlevel.h>
            #include <stddef.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/stat.h>
            #include <sys/statvfs.h>
            #include <time.h>
            #define S(t) printf("sizeof %s %zu\n", #t, sizeof(t))
            #define O(t, f) printf("offsetof %s.%s %zu\n", #t, #f, offsetof(t, f))
            #define K(c) printf("const %s %lld\n", #c, (long long)(c))
            int main(void) {
                struct fuse_file_info fi; unsigned bits;
            """);
        void Struct(string cName, IEnumerable<string> members)
        {
            source.AppendLine($"S({cName});");
            foreach (var m in members) source.AppendLine($"O({cName}, {m});");
        }
        Struct("struct stat", StatFields.Select(f => f.C));
        Struct("struct timespec", ["tv_sec", "tv_nsec"]);
        Struct("struct statvfs", StatVfsFields.Select(f => f.C));
        Struct("struct fuse_file_info", FileInfoFields.Select(f => f.C));
        Struct("struct fuse_entry_param", EntryFields.Select(f => f.C));
        Struct("struct fuse_forget_data", ForgetFields.Select(f => f.C));
        Struct("struct fuse_conn_info", ConnFields.Select(f => f.C));
        Struct("struct fuse_ctx", ContextFields.Select(f => f.C));
        Struct("struct fuse_args", ArgsFields.Select(f => f.C));
        Struct("struct fuse_lowlevel_ops", OperationNames);
        foreach (var bit in new[] { "direct_io", "keep_cache" })
            source.AppendLine($"memset(&fi, 0, sizeof fi); fi.{bit} = 1; memcpy(&bits, (char*)&fi + 4, 4); printf(\"bits fuse_file_info.{bit} %u\\n\", bits);");
        foreach (var k in new[] { "FUSE_CAP_ASYNC_READ", "FUSE_CAP_ATOMIC_O_TRUNC", "FUSE_CAP_AUTO_INVAL_DATA", "FUSE_CAP_READDIRPLUS",
                     "FUSE_CAP_READDIRPLUS_AUTO", "FUSE_CAP_PARALLEL_DIROPS", "FUSE_CAP_HANDLE_KILLPRIV", "FUSE_SET_ATTR_MODE",
                     "FUSE_SET_ATTR_UID", "FUSE_SET_ATTR_GID", "FUSE_SET_ATTR_SIZE", "FUSE_SET_ATTR_ATIME", "FUSE_SET_ATTR_MTIME",
                     "FUSE_SET_ATTR_ATIME_NOW", "FUSE_SET_ATTR_MTIME_NOW" })
            source.AppendLine($"K({k});");
        source.AppendLine("return 0; }");

        string exe = CProgram.Build("layout-probe", source.ToString(), linkFuse: false);
        var values = new Dictionary<string, long>();
        foreach (string line in Programs.RunOk(exe).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int last = line.LastIndexOf(' ');
            values[line[..last]] = long.Parse(line[(last + 1)..], CultureInfo.InvariantCulture);
        }
        return values;
    }
}
