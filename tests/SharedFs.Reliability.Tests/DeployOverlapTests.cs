using SharedFs.Reliability.Tests.Support;
using SharedFs.TestSupport;
using Xunit.Abstractions;

namespace SharedFs.Reliability.Tests;

/// <summary>
/// A deploy: the new container starts on the same bucket while the old one still runs, then the old one gets
/// SIGTERM while its app writes. Nothing whose close() returned 0 is lost; nothing half-written is ever seen.
/// </summary>
public sealed class DeployOverlapTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly MountWorkspace _workspace = new("sharedfs-rel-deploy");
    private TestBucket _bucket => _workspace.Bucket;
    private TempDirectory _folder => _workspace.Folder;

    public Task InitializeAsync()
    {
        Requirements.Program("python3");
        return _workspace.InitializeAsync();
    }

    public Task DisposeAsync() => _workspace.DisposeAsync();

    private LongRunning StartContainer(string role)
    {
        var appRoot = _folder.Combine(role + "-app");
        Directory.CreateDirectory(appRoot);
        return InitExecutable.Start(["--", "python3", Path.Combine(AppContext.BaseDirectory, "apps", "overlap_app.py"), role, _folder.Combine(role + ".log")],
            new Dictionary<string, string?>
            {
                ["SCALINGO_SHAREDFS_CREDENTIALS"] = _bucket.Credentials,
                ["SCALINGO_SHAREDFS_SYMLINKS"] = "data",
                ["SHAREDFS_ENDPOINT"] = _bucket.Gateway.Endpoint.ToString(),
                ["SHAREDFS_MOUNT"] = _folder.Combine(role + "-storage"),
                ["SHAREDFS_APP_ROOT"] = appRoot,
                ["SHAREDFS_STAGING_DIR"] = _folder.Combine(role + "-staging"),
                ["SHAREDFS_STOP_TIMEOUT"] = "20s",
            }, workingDirectory: appRoot);
    }

    private async Task WaitForLinesAsync(string role, string prefix, int count, LongRunning init)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (init.Process.HasExited) throw new InvalidOperationException($"{role} exited early ({init.Process.ExitCode}):\n{init.Stderr}");
            if (Lines(role).Count(l => l.StartsWith(prefix, StringComparison.Ordinal)) >= count) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{role} did not log {count} '{prefix}' lines:\n{init.Stderr}");
    }

    private string[] Lines(string role)
    {
        var path = _folder.Combine(role + ".log");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    [Fact]
    public async Task Old_and_new_containers_overlap_and_SIGTERM_of_the_old_loses_nothing_and_shows_nothing_half_written()
    {
        using var cleanup = MountCleanup.For(_folder.Path);
        using var old = StartContainer("old");
        await WaitForLinesAsync("old", "ok ", 10, old);
        using var @new = StartContainer("new");
        await WaitForLinesAsync("new", "ok ", 5, @new);
        await WaitForLinesAsync("new", "seen old-", 5, @new);

        old.Signal(15); // while its app is writing
        var oldExit = await old.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine("old container:\n" + old.Stderr);
        Assert.Equal(0, oldExit);
        Assert.False(ProcFs.IsFuseMountedAt(_folder.Combine("old-storage")), "the old container left its mount behind");

        // The new one keeps running and sees the old one's last files.
        var lastOld = Lines("old").Where(l => l.StartsWith("ok ", StringComparison.Ordinal)).Last().Split(' ')[1];
        await WaitForLinesAsync("new", $"seen {lastOld}", 1, @new);
        @new.Signal(15);
        var newExit = await @new.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine("new container:\n" + @new.Stderr);
        Assert.Equal(0, newExit);

        var closed = Lines("old").Concat(Lines("new")).Where(l => l.StartsWith("ok ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).ToDictionary(p => "data/" + p[1], p => p[2].ToUpperInvariant());
        var bad = Lines("new").Concat(Lines("old")).Where(l => l.StartsWith("bad", StringComparison.Ordinal) || l.StartsWith("failed", StringComparison.Ordinal)).ToList();
        output.WriteLine($"{closed.Count} files closed; the new app verified {Lines("new").Count(l => l.StartsWith("seen old-", StringComparison.Ordinal))} of the old app's files");
        Assert.Empty(bad);

        // Everything whose close returned 0 is in the bucket with its bytes, and nothing else is there.
        var keys = (await _bucket.ListKeysAsync("data/")).Where(k => k != "data/").ToList();
        Assert.Equal(closed.Keys.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        foreach (var (key, sha) in closed)
            Assert.Equal(sha, await BucketCheck.ShaAsync(_bucket, key));
    }
}
