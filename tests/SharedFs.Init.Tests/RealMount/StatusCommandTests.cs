using System.Text.Json;
using SharedFs.Init.Supervision;
using SharedFs.Init.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Init.Tests.RealMount;

/// <summary>"sharedfs-init status" beside a running mount: its figures in a few lines or as JSON; a clear line when none runs.</summary>
[Collection(RealMountCollection.Name)]
public sealed class StatusCommandTests(TestBucket bucket) : IClassFixture<TestBucket>
{
    [Fact]
    public async Task Status_tells_what_the_running_mount_did_in_lines_and_in_json()
    {
        using var workspace = new RealMountWorkspace();
        var environment = workspace.Environment(bucket, ("SHAREDFS_QUOTA", "1g"));
        using var mount = RunningInit.Start(InitMode.Subreaper, ["mount"], environment);
        await mount.WaitForStderrAsync("mounted bucket", TimeSpan.FromSeconds(30));
        await File.WriteAllTextAsync(Path.Combine(workspace.Mount, "status-probe.txt"), "counted");

        // The figures are written every 2 s: wait for one that shows the upload.
        JsonElement status = default;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (code, stdout, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, ["status", "--json"], environment, timeoutSeconds: 30);
            Assert.True(code == 0, $"status --json: exit {code}\n{stderr}");
            status = JsonDocument.Parse(stdout).RootElement.Clone();
            if (status.GetProperty("requests").GetProperty("calls").TryGetProperty("PUT", out var puts) && puts.GetInt64() >= 1) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"status never showed the PUT:\n{stdout}");
            await Task.Delay(100);
        }
        Assert.Equal(workspace.Mount, status.GetProperty("mount").GetString());
        Assert.Equal(1L << 30, status.GetProperty("quota").GetInt64());
        Assert.Equal(0, status.GetProperty("filesNotInBucket").GetInt32());

        var (exit, lines, _) = await RunningInit.RunAsync(InitMode.Subreaper, ["status"], environment, timeoutSeconds: 30);
        Assert.Equal(0, exit);
        foreach (var expected in new[] { $"mount {workspace.Mount} (bucket {bucket.Name}", "files: 0 open", "of the 1.00 GiB quota used", "requests: ", "PUT ", "errors: none", "last minute: " })
            Assert.Contains(expected, lines);
        Assert.DoesNotContain(bucket.Gateway.SecretKey, lines);

        mount.Signal(Signals.SIGTERM);
        Assert.Equal(0, await mount.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var (after, _, error) = await RunningInit.RunAsync(InitMode.Subreaper, ["status"], environment, timeoutSeconds: 30);
        Assert.Equal(1, after);
        Assert.Contains($"no mount of {workspace.Mount} is running here", error);
    }
}
