using SharedFs.FileSystem;
using SharedFs.TestSupport;

namespace SharedFs.Posix.Tests;

/// <summary>One real mount of a fresh bucket for a test class, with a fresh folder per test (0777 unless said).</summary>
public sealed class PosixMount : IAsyncLifetime
{
    private readonly MountWorkspace _workspace = new("sharedfs-posix");
    private int _folders;

    public SharedFsMount Mount { get; private set; } = null!;
    public TestBucket Bucket => _workspace.Bucket;

    public async Task InitializeAsync()
    {
        Requirements.Program("setpriv");
        if (!File.Exists("/usr/bin/python3"))
            throw new RequirementMissingException("/usr/bin/python3 is missing: run 'make deps' (apt-get install python3)");
        await _workspace.InitializeAsync();
        Mount = await SharedFsMount.MountAsync(new SharedFsMountOptions
        {
            Store = Bucket.StoreOptions,
            MountPoint = _workspace.Folder.Combine("mnt"),
            StagingDirectory = _workspace.Folder.Combine("staging"),
            UnmountWait = TimeSpan.FromSeconds(2),
        });
        MakeTraversable(Mount.MountPoint);
    }

    /// <summary>
    /// The test run's temporary folders are private to root: other users get the right to pass through them (not to
    /// list them) on the way to the mount.
    /// </summary>
    private static void MakeTraversable(string mountPoint)
    {
        for (var dir = Path.GetDirectoryName(mountPoint); !string.IsNullOrEmpty(dir) && dir != "/"; dir = Path.GetDirectoryName(dir))
        {
            var mode = File.GetUnixFileMode(dir);
            if ((mode & UnixFileMode.OtherExecute) == 0) File.SetUnixFileMode(dir, mode | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        }
    }

    /// <summary>A new folder on the mount for one test, with the given mode (0777: every user may make names in it).</summary>
    public string Folder(uint mode = 0x1FF)
    {
        var path = Path.Combine(Mount.MountPoint, $"t{Interlocked.Increment(ref _folders)}");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
        return path;
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Mount.UnmountAsync();
        }
        finally
        {
            await _workspace.DisposeAsync();
        }
    }
}
