using SharedFs.Init.Native;

namespace SharedFs.Init.Tests.Support;

/// <summary>Environment needs of the process tests: they fail loudly (never skip) when unmet.</summary>
internal static class Requirements
{
    public static void RootAndUnshare()
    {
        if (Libc.getuid() != 0)
            throw new InvalidOperationException("these tests need root: they run sharedfs-init as PID 1 in a new PID namespace (unshare --pid)");
        if (!File.Exists("/usr/bin/unshare") && !File.Exists("/bin/unshare"))
            throw new InvalidOperationException("these tests need unshare (util-linux) to run sharedfs-init as PID 1");
    }
}
