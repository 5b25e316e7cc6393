namespace SharedFs.Fuse.Tests.Infrastructure;

/// <summary>
/// The preconditions of every test here: a real mount needs root and /dev/fuse, the layout probe a C
/// compiler and the fuse3 headers. A missing one fails the test with the reason (never a silent skip).
/// </summary>
internal static class FuseEnvironment
{
    public static void RequireMountable() => SharedFs.TestSupport.Requirements.DevFuse();

    public static void RequireCompiler()
    {
        if (!File.Exists("/usr/include/fuse3/fuse.h"))
            Assert.Fail("/usr/include/fuse3/fuse.h is missing: the layout probe needs the libfuse3 headers (apt-get install libfuse3-dev)");
        if (CProgram.FindCompiler() == null)
            Assert.Fail("no C compiler (cc, gcc or clang) on PATH: the layout probe compiles against the real headers");
    }
}
