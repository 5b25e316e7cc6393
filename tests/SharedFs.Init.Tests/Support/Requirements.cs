namespace SharedFs.Init.Tests.Support;

/// <summary>Environment needs of the process tests: they fail loudly (never skip) when unmet.</summary>
internal static class Requirements
{
    /// <summary>Root and util-linux's unshare: the init runs as PID 1 in a new PID namespace.</summary>
    public static void RootAndUnshare()
    {
        SharedFs.TestSupport.Requirements.Root();
        SharedFs.TestSupport.Requirements.Program("unshare");
    }
}
