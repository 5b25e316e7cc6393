namespace SharedFs.Fuse.Tests.Infrastructure;

/// <summary>
/// The preconditions of every test here: a real mount needs root and /dev/fuse, the layout probe a C
/// compiler and the fuse3 headers. A missing one fails the test with the reason (never a silent skip).
/// </summary>
internal static class FuseEnvironment
{
    public static void RequireMountable()
    {
        if (!File.Exists("/dev/fuse"))
            Assert.Fail("/dev/fuse is missing: these tests mount a real FUSE filesystem (load the fuse module / pass --device /dev/fuse)");
        uint euid = Posix.geteuid();
        if (euid != 0)
            Assert.Fail($"these tests mount a real FUSE filesystem and need root, but the effective uid is {euid}");
        if (!File.Exists("/lib/x86_64-linux-gnu/libfuse3.so.3") && !File.Exists("/usr/lib/x86_64-linux-gnu/libfuse3.so.3"))
            Assert.Fail("libfuse3.so.3 is not installed (apt-get install fuse3)");
    }

    public static void RequireCompiler()
    {
        if (!File.Exists("/usr/include/fuse3/fuse.h"))
            Assert.Fail("/usr/include/fuse3/fuse.h is missing: the layout probe needs the libfuse3 headers (apt-get install libfuse3-dev)");
        if (CProgram.FindCompiler() == null)
            Assert.Fail("no C compiler (cc, gcc or clang) on PATH: the layout probe compiles against the real headers");
    }
}
