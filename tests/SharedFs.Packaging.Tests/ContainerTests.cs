using System.Net;
using SharedFs.Packaging.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Packaging.Tests;

/// <summary>
/// examples/Dockerfile without a Docker engine: a debootstrap minbase root filesystem (no .NET), the binary
/// and libfuse3 copied in, sharedfs-init as PID 1 of its own PID and mount namespaces, chrooted, serving the
/// demo app whose uploads folder is linked into the mount (scripts/run-container.sh).
/// </summary>
public sealed class ContainerTests(TestBucket bucket) : IClassFixture<TestBucket>, IDisposable
{
    private readonly TempDirectory _temp = new("sharedfs-container-test");

    public void Dispose() => _temp.Dispose();

    private static string RunContainerScript => Path.Combine(RootFilesystem.ScriptsDirectory, "run-container.sh");

    /// <summary>The build machine's libfuse3, copied beside the binary as on an image that lacks it.</summary>
    private static string BuildMachineLibfuse =>
        Directory.GetFiles("/lib/x86_64-linux-gnu", "libfuse3.so.3.*").OrderBy(f => f, StringComparer.Ordinal).Last();

    private string MakeApp()
    {
        var app = _temp.Combine("app");
        Directory.CreateDirectory(Path.Combine(app, "public"));
        File.Copy(Path.Combine(RepositoryPaths.Root, "scripts", "demo", "app.py"), Path.Combine(app, "app.py"));
        return app;
    }

    [Fact]
    public void The_root_filesystem_is_a_slim_image_with_python3_and_without_dotnet_or_libfuse()
    {
        var rootfs = RootFilesystem.Path;

        Assert.True(File.Exists(Path.Combine(rootfs, "usr", "bin", "python3")));
        Assert.False(File.Exists(Path.Combine(rootfs, "usr", "bin", "dotnet")));
        Assert.False(Directory.Exists(Path.Combine(rootfs, "usr", "share", "dotnet")));
        Assert.Empty(Directory.GetFiles(Path.Combine(rootfs, "usr", "lib", "x86_64-linux-gnu"), "libfuse3.so*"));
        Assert.Empty(Directory.GetFiles(Path.Combine(rootfs, "usr", "lib", "x86_64-linux-gnu"), "libcoreclr*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_binary_starts_in_the_image_without_dotnet()
    {
        var result = await Shell.RunAsync(RunContainerScript,
            [RootFilesystem.Path, _temp.Combine("work"), PublishedBinary.Path, MakeApp(), BuildMachineLibfuse, "--version"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("sharedfs-init ", result.StandardOutput);
    }

    [Fact]
    public async Task Init_runs_as_pid_1_stores_an_upload_in_the_bucket_and_exits_cleanly_on_SIGTERM()
    {
        Requirements.DevFuse();
        var work = _temp.Combine("work");
        var port = FreePort.Find();
        using var container = BackgroundProcess.Start(RunContainerScript,
            [RootFilesystem.Path, work, PublishedBinary.Path, MakeApp(), BuildMachineLibfuse],
            new Dictionary<string, string>
            {
                ["SCALINGO_SHAREDFS_CREDENTIALS"] = bucket.Credentials,
                ["SCALINGO_SHAREDFS_SYMLINKS"] = "public/uploads",
                ["SHAREDFS_ENDPOINT"] = bucket.Gateway.Endpoint.ToString(),
                ["SHAREDFS_REGION"] = bucket.Gateway.Region,
                ["PORT"] = port.ToString(),
                ["DEMO_CONTAINER_NAME"] = "container-1",
            });
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => container.Output);

        // setsid and env exec, the script execs unshare: the container's PID 1 is unshare's only child.
        var init = ChildrenOf(container.Id).Single();
        var status = File.ReadAllLines($"/proc/{init}/status");
        Assert.Equal("sharedfs-init", status.Single(l => l.StartsWith("Name:", StringComparison.Ordinal)).Split('\t')[1]);
        Assert.Equal("1", status.Single(l => l.StartsWith("NSpid:", StringComparison.Ordinal)).Split('\t').Last());

        // Another container of the same app: the same binary mounting the same bucket elsewhere.
        var otherMount = _temp.Combine("other-container");
        using var other = BackgroundProcess.Start(PublishedBinary.Path, ["mount"], new Dictionary<string, string>
        {
            ["SCALINGO_SHAREDFS_CREDENTIALS"] = bucket.Credentials,
            ["SHAREDFS_ENDPOINT"] = bucket.Gateway.Endpoint.ToString(),
            ["SHAREDFS_REGION"] = bucket.Gateway.Region,
            ["SHAREDFS_MOUNT"] = otherMount,
            ["SHAREDFS_STAGING_DIR"] = _temp.Combine("other-staging"),
        });
        await other.WaitForOutputAsync("mounted bucket", TimeSpan.FromSeconds(60));
        var otherUploads = Path.Combine(otherMount, "public", "uploads");
        Assert.False(File.Exists(Path.Combine(otherUploads, "photo.txt")));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var form = new MultipartFormDataContent { { new ByteArrayContent("uploaded in the container\n"u8.ToArray()), "file", "photo.txt" } };
        var upload = await http.PostAsync("/upload", form);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        // When the app has answered, the bucket and the other container have the file: no retry, no wait.
        Assert.Equal("uploaded in the container\n", await bucket.GetTextAsync("public/uploads/photo.txt"));
        Assert.Equal("uploaded in the container\n", await File.ReadAllTextAsync(Path.Combine(otherUploads, "photo.txt")));
        Assert.Equal("uploaded in the container\n", await http.GetStringAsync("/uploads/photo.txt"));

        BackgroundProcess.SignalProcess(other.Id, Signals.Terminate);
        Assert.Equal(0, await other.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        BackgroundProcess.SignalProcess(init, Signals.Terminate);
        var exitCode = await container.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, $"exit {exitCode}:\n{container.Output}");
        Assert.Empty(MountCleanup.MountsAtOrBelow(_temp.Path));
        Assert.False(FreePort.IsListening(port));
        Assert.Contains("public/uploads/photo.txt", await bucket.ListKeysAsync());
    }

    private static List<int> ChildrenOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
}
