namespace SharedFs.TestSupport;

/// <summary>A temporary directory deleted with everything in it afterwards (never across a mount: unmount first).</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; }

    public TempDirectory(string prefix = "sharedfs-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        MountCleanup.UnmountEverything(Path);
        // Deleting through a live mount would delete the bucket's objects: leave the folder instead.
        if (MountCleanup.IsMounted(Path)) return;
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
