using SharedFs.Fuse.Tests.MemoryFs;

namespace SharedFs.Fuse.Tests.Infrastructure;

/// <summary>
/// A MemoryFileSystem mounted for real in a fresh temp directory. Dispose always leaves no mount behind:
/// a bounded unmount, then a lazy detach as the last resort, then the directory is removed.
/// </summary>
internal sealed class MountedFs : IDisposable
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "sharedfs-fuse-tests");

    public MemoryFileSystem Fs { get; }
    public FuseMount Mount { get; }
    public string Dir => Mount.MountPoint;

    private MountedFs(MemoryFileSystem fs, FuseMount mount)
    {
        Fs = fs;
        Mount = mount;
    }

    /// <summary>Default test options: the kernel does not check permissions (the tests run as root anyway).</summary>
    public static FuseMountOptions Options() => new()
    {
        FsName = "memfs-test",
        Subtype = "memfs",
        DefaultPermissions = false,
        MaxThreads = 8,
    };

    /// <param name="cacheTimeout">How long the kernel may keep names and attributes (1 s unless given).</param>
    public static MountedFs Start(FuseMountOptions? options = null, TimeSpan? cacheTimeout = null)
    {
        FuseEnvironment.RequireMountable();
        string dir = NewDirectory();
        var fs = new MemoryFileSystem(cacheTimeout ?? TimeSpan.FromSeconds(1));
        try
        {
            return new MountedFs(fs, FuseMount.Mount(fs, dir, options ?? Options()));
        }
        catch
        {
            Cleanup(dir);
            throw;
        }
    }

    public static string NewDirectory()
    {
        string dir = Path.Combine(Root, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public string PathOf(string relative) => Path.Combine(Dir, relative.TrimStart('/'));

    public void Dispose()
    {
        try
        {
            Mount.Unmount(TimeSpan.FromSeconds(1));
        }
        finally
        {
            Cleanup(Dir);
        }
    }

    /// <summary>Detaches whatever is still mounted at <paramref name="dir"/> and removes it.</summary>
    public static void Cleanup(string dir)
    {
        for (int i = 0; i < 5 && MountTable.IsFuseMount(dir); i++)
            Posix.umount2(dir, Posix.MNT_DETACH);
        try
        {
            Directory.Delete(dir, recursive: false);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner; never fail a test over it.
        }
    }
}
