using System.Net;
using System.Text.RegularExpressions;
using SharedFs.Packaging.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Packaging.Tests;

/// <summary>
/// `make run` as a person uses it: started in its own process group like a terminal's foreground job, an upload
/// through one container read back through the other, then Ctrl-C (SIGINT to the group). Needs the filesystem.
/// </summary>
public sealed partial class DemoTests : IDisposable
{
    private readonly string _demoDir = Path.Combine(Path.GetTempPath(), $"sharedfs-demo-test-{Guid.NewGuid():N}");

    /// <summary>
    /// After a failed test: the demo's inits and Ceph daemons run in their own sessions (so that Ctrl-C reaches
    /// only the script), hence killing the script's group does not reach them. They are found by the folder
    /// named in their environment, stopped, and the mounts cleared.
    /// </summary>
    public void Dispose()
    {
        foreach (var signal in new[] { Signals.Terminate, Signals.Kill })
        {
            foreach (var pid in ProcessesMentioning(_demoDir).Select(p => int.Parse(p.Split(':')[0])))
                BackgroundProcess.SignalProcess(pid, signal);
            for (var wait = 0; wait < 50 && ProcessesMentioning(_demoDir).Count > 0; wait++) Thread.Sleep(100);
        }
        MountCleanup.UnmountEverything(_demoDir);
        if (!MountCleanup.IsMounted(_demoDir) && Directory.Exists(_demoDir)) Directory.Delete(_demoDir, recursive: true);
    }

    [Fact]
    public async Task Make_run_shares_an_upload_between_two_containers_and_stops_everything_cleanly_on_ctrl_c()
    {
        Requirements.DevFuse();
        using var demo = BackgroundProcess.Start(Path.Combine(RepositoryPaths.Root, "scripts", "demo", "run.sh"), [],
            new Dictionary<string, string>
            {
                ["SHAREDFS_DEMO_DIR"] = _demoDir,
                ["SHAREDFS_DEMO_BINARY"] = PublishedBinary.Path,
                ["SHAREDFS_DEMO_PORT_A"] = FreePort.Find().ToString(),
            });
        try
        {
            // Generous: under a full test run the gateway alone can take minutes to start (alone: about 15 s).
            await demo.WaitForOutputAsync("Ctrl-C stops everything cleanly", TimeSpan.FromMinutes(5));
            var ports = PortsLine().Match(demo.Output);
            Assert.True(ports.Success, demo.Output);
            int portA = int.Parse(ports.Groups[1].Value), portB = int.Parse(ports.Groups[2].Value);

            using var http = new HttpClient();
            // Container b's index page lists the folder first: that listing must not hide the new file.
            Assert.DoesNotContain("/uploads/hostname", await http.GetStringAsync($"http://127.0.0.1:{portB}/"));
            using var form = new MultipartFormDataContent { { new ByteArrayContent("shared between containers\n"u8.ToArray()), "file", "hostname" } };
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync($"http://127.0.0.1:{portA}/upload", form)).StatusCode);
            // The very next requests to container b serve the file and list it: no retry, no wait.
            Assert.Equal("shared between containers\n", await http.GetStringAsync($"http://127.0.0.1:{portB}/uploads/hostname"));
            Assert.Contains("/uploads/hostname", await http.GetStringAsync($"http://127.0.0.1:{portB}/"));

            demo.SignalGroup(Signals.Interrupt);
            var exitCode = await demo.WaitForExitAsync(TimeSpan.FromMinutes(2));

            Assert.True(exitCode == 0, $"exit {exitCode}:\n{demo.Output}");
            Assert.Contains("demo: container a stopped cleanly", demo.Output);
            Assert.Contains("demo: container b stopped cleanly", demo.Output);
            Assert.Contains("public/uploads/hostname", demo.Output); // the bucket listing printed before the gateway stops
            Assert.Empty(MountCleanup.MountsAtOrBelow(_demoDir));
            Assert.False(FreePort.IsListening(portA));
            Assert.False(FreePort.IsListening(portB));
            Assert.False(Directory.Exists(_demoDir));
            Assert.Empty(ProcessesMentioning(_demoDir));
        }
        finally
        {
            // A failed step above: stop the demo as a person would, so that it cleans up after itself.
            if (!demo.HasExited)
            {
                demo.SignalGroup(Signals.Interrupt);
                try { await demo.WaitForExitAsync(TimeSpan.FromMinutes(2)); } catch (TimeoutException) { }
            }
        }
    }

    [GeneratedRegex(@"container a on port (\d+) and container b on port (\d+)")]
    private static partial Regex PortsLine();

    /// <summary>Processes whose command line or environment names the folder: the inits, apps and Ceph daemons.</summary>
    private static List<string> ProcessesMentioning(string folder)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var environ = File.ReadAllText(Path.Combine(dir, "environ"));
                if (cmdline.Contains(folder, StringComparison.Ordinal) || environ.Contains(folder, StringComparison.Ordinal))
                    found.Add($"{Path.GetFileName(dir)}: {cmdline}");
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
