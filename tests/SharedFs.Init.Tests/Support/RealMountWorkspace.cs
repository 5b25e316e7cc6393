using System.Net;
using System.Net.Sockets;
using SharedFs.TestSupport;

namespace SharedFs.Init.Tests.Support;

/// <summary>
/// The folders of one real-mount run: the mount point, the app root, a folder outside the mount where the app
/// reports what it saw, and a private staging folder. Dispose unmounts whatever is left (MountCleanup) before
/// deleting, so a failing test never deletes through a live mount nor leaves one behind.
/// Fails loudly when root, /dev/fuse, libfuse3 or unshare are missing.
/// </summary>
internal sealed class RealMountWorkspace : IDisposable
{
    private readonly TempDirectory _root = new("sharedfs-init-real");

    public RealMountWorkspace()
    {
        SharedFs.TestSupport.Requirements.DevFuse();
        Support.Requirements.RootAndUnshare();
        Directory.CreateDirectory(Mount);
        Directory.CreateDirectory(AppRoot);
        Directory.CreateDirectory(Outside);
    }

    public string Mount => _root.Combine("mnt");
    public string AppRoot => _root.Combine("app");
    /// <summary>Outside the mount: the app writes its observations here.</summary>
    public string Outside => _root.Combine("out");
    /// <summary>Per run: the filesystem's default staging folder is shared by every mount of the machine.</summary>
    public string Staging => _root.Combine("staging");

    public string OutsideFile(string name) => System.IO.Path.Combine(Outside, name);

    /// <summary>The environment of a run against <paramref name="bucket"/>; <paramref name="extra"/> overrides.</summary>
    public Dictionary<string, string> Environment(TestBucket bucket, params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["SCALINGO_SHAREDFS_CREDENTIALS"] = bucket.Credentials,
            ["SHAREDFS_ENDPOINT"] = bucket.Gateway.Endpoint.ToString(),
            ["SHAREDFS_MOUNT"] = Mount,
            ["SHAREDFS_APP_ROOT"] = AppRoot,
            ["SHAREDFS_STAGING_DIR"] = Staging,
            ["SHAREDFS_READY_TIMEOUT"] = "15s",
            ["SHAREDFS_STOP_TIMEOUT"] = "10s",
            ["MOUNT"] = Mount,
            ["APP"] = AppRoot,
            ["OUT"] = Outside,
        };
        foreach (var (name, value) in extra) environment[name] = value;
        return environment;
    }

    /// <summary>Is something mounted at the mount point, as this (host) mount namespace sees it.</summary>
    public bool IsMounted => MountCleanup.IsMounted(Mount);

    /// <summary>A port on 127.0.0.1 that nothing listens on.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        MountCleanup.UnmountEverything(Mount);
        _root.Dispose();
    }
}
