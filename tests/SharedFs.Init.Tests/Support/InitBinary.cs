namespace SharedFs.Init.Tests.Support;

/// <summary>The sharedfs-init apphost, copied next to the tests by the project reference.</summary>
internal static class InitBinary
{
    public static string Path
    {
        get
        {
            string path = System.IO.Path.Combine(AppContext.BaseDirectory, "sharedfs-init");
            if (!File.Exists(path)) throw new InvalidOperationException($"sharedfs-init was not built next to the tests: {path} is missing");
            return path;
        }
    }
}
