namespace SharedFs.TestSupport;

/// <summary>
/// Checks the machine can run the real-thing tests. A missing requirement FAILS the test with one line that
/// names it and the fix: tests are never skipped silently.
/// </summary>
public static class Requirements
{
    public static void Root()
    {
        if (Environment.UserName != "root" && GetEffectiveUid() != 0)
            throw new RequirementMissingException("these tests need root (mounting FUSE filesystems, unshare): run them as root");
    }

    public static void DevFuse()
    {
        Root();
        if (!File.Exists("/dev/fuse"))
            throw new RequirementMissingException("/dev/fuse is missing: load the fuse module (modprobe fuse) or give the container --device /dev/fuse");
        if (!File.Exists("/lib/x86_64-linux-gnu/libfuse3.so.3") && !File.Exists("/usr/lib/x86_64-linux-gnu/libfuse3.so.3"))
            throw new RequirementMissingException("libfuse3.so.3 is missing: run 'make deps' (apt-get install fuse3 libfuse3-3)");
    }

    public static void Program(string name)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, name)));
        if (!found)
            throw new RequirementMissingException($"the program '{name}' is missing from PATH: run 'make deps'");
    }

    private static uint GetEffectiveUid()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
                return uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2]);
        }
        return uint.MaxValue;
    }
}

public sealed class RequirementMissingException(string message) : Exception("REQUIREMENT MISSING: " + message);
