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
        "getattr", "readlink", "mknod", "mkdir", "unlink", "rmdir", "symlink", "rename", "link", "chmod", "chown",
        "truncate", "open", "read", "write", "statfs", "flush", "release", "fsync", "setxattr", "getxattr",
        "listxattr", "removexattr", "opendir", "readdir", "releasedir", "fsyncdir", "init", "destroy", "access",
        "create", "lock", "utimens", "bmap", "ioctl", "poll", "write_buf", "read_buf", "flock", "fallocate",
        "copy_file_range", "lseek",
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

    private static readonly (string C, string Managed)[] ConfigFields =
    [
        ("set_gid", "SetGid"), ("gid", "Gid"), ("set_uid", "SetUid"), ("uid", "Uid"), ("set_mode", "SetMode"),
        ("umask", "Umask"), ("entry_timeout", "EntryTimeout"), ("negative_timeout", "NegativeTimeout"),
        ("attr_timeout", "AttrTimeout"), ("intr", "Intr"), ("intr_signal", "IntrSignal"), ("remember", "Remember"),
        ("hard_remove", "HardRemove"), ("use_ino", "UseIno"), ("readdir_ino", "ReaddirIno"), ("direct_io", "DirectIo"),
        ("kernel_cache", "KernelCache"), ("auto_cache", "AutoCache"), ("no_rofd_flush", "NoRofdFlush"),
        ("ac_attr_timeout_set", "AcAttrTimeoutSet"), ("ac_attr_timeout", "AcAttrTimeout"),
        ("nullpath_ok", "NullPathOk"), ("show_help", "ShowHelp"), ("modules", "Modules"), ("debug", "Debug"),
    ];

    private static readonly (string C, string Managed)[] ConnFields =
    [
        ("proto_major", "ProtoMajor"), ("proto_minor", "ProtoMinor"), ("max_write", "MaxWrite"), ("max_read", "MaxRead"),
        ("max_readahead", "MaxReadahead"), ("capable", "Capable"), ("want", "Want"), ("max_background", "MaxBackground"),
        ("congestion_threshold", "CongestionThreshold"), ("time_gran", "TimeGran"), ("reserved", "Reserved"),
    ];

    private static readonly (string C, string Managed)[] ContextFields =
        [("fuse", "Fuse"), ("uid", "Uid"), ("gid", "Gid"), ("pid", "Pid"), ("private_data", "PrivateData"), ("umask", "Umask")];

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
    public void Config_matches_the_header() => AssertStruct<FuseConfig>("struct fuse_config", ConfigFields);

    [Fact]
    public void Conn_info_matches_the_header_and_capability_bits()
    {
        AssertStruct<FuseConnInfo>("struct fuse_conn_info", ConnFields);
        AssertConstant("const FUSE_CAP_ASYNC_READ", FuseConnInfo.CapAsyncRead);
        AssertConstant("const FUSE_CAP_READDIRPLUS", FuseConnInfo.CapReaddirPlus);
        AssertConstant("const FUSE_CAP_READDIRPLUS_AUTO", FuseConnInfo.CapReaddirPlusAuto);
        AssertConstant("const FUSE_FILL_DIR_PLUS", LibFuse.FillDirPlus);
        AssertConstant("const FUSE_READDIR_PLUS", LibFuse.ReadDirPlus);
    }

    [Fact]
    public void Context_and_args_match_the_header()
    {
        AssertStruct<FuseContext>("struct fuse_context", ContextFields);
        AssertStruct<FuseArgs>("struct fuse_args", ArgsFields);
    }

    [Fact]
    public void Operations_table_has_every_member_at_its_header_offset()
    {
        var probe = Probe.Value;
        Assert.Equal(probe["sizeof struct fuse_operations"], sizeof(FuseOperations));
        Assert.Equal(OperationNames.Length * IntPtr.Size, sizeof(FuseOperations));
        Assert.Equal(FuseOperations.MemberCount, OperationNames.Length);
        // Managed members are declared in header order, one pointer each: member i sits at i * 8.
        var managed = typeof(FuseOperations).GetFields().Where(f => !f.IsStatic && !f.IsLiteral)
            .Select(f => (f.Name, Offset: Marshal.OffsetOf<FuseOperations>(f.Name).ToInt64())).OrderBy(f => f.Offset).ToArray();
        Assert.Equal(OperationNames.Length, managed.Length);
        for (int i = 0; i < OperationNames.Length; i++)
        {
            Assert.Equal(probe[$"offsetof struct fuse_operations.{OperationNames[i]}"], managed[i].Offset);
            Assert.Equal(Normalize(OperationNames[i]), Normalize(managed[i].Name));
        }
    }

    [Fact]
    public void Utime_markers_match_the_header()
    {
        AssertConstant("const UTIME_NOW", TimeSpec.UtimeNow);
        AssertConstant("const UTIME_OMIT", TimeSpec.UtimeOmit);
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
            #include <fuse.h>
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
        Struct("struct fuse_config", ConfigFields.Select(f => f.C));
        Struct("struct fuse_conn_info", ConnFields.Select(f => f.C));
        Struct("struct fuse_context", ContextFields.Select(f => f.C));
        Struct("struct fuse_args", ArgsFields.Select(f => f.C));
        Struct("struct fuse_operations", OperationNames);
        foreach (var bit in new[] { "direct_io", "keep_cache" })
            source.AppendLine($"memset(&fi, 0, sizeof fi); fi.{bit} = 1; memcpy(&bits, (char*)&fi + 4, 4); printf(\"bits fuse_file_info.{bit} %u\\n\", bits);");
        foreach (var k in new[] { "FUSE_CAP_ASYNC_READ", "FUSE_CAP_READDIRPLUS", "FUSE_CAP_READDIRPLUS_AUTO", "FUSE_FILL_DIR_PLUS", "FUSE_READDIR_PLUS", "UTIME_NOW", "UTIME_OMIT" })
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
