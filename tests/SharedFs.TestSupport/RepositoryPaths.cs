namespace SharedFs.TestSupport;

/// <summary>Finds files of this repository from a test assembly's output folder.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    public static string CephScript => Path.Combine(Root, "tests", "ceph", "ceph-s3.sh");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SharedFsInit.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"SharedFsInit.sln not found above {AppContext.BaseDirectory}");
    }
}
