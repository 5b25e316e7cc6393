using SharedFs.Init.Configuration;
using SharedFs.Init.Logging;
using SharedFs.Init.Supervision;
using SharedFs.Init.Tests.Support;

namespace SharedFs.Init.Tests.Supervision;

/// <summary>The start-up and shutdown order, in-process, with a directory standing in for the mount.</summary>
public sealed class InitSequenceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sharedfs-seq-").FullName;
    private readonly StringWriter _log = new();
    private string App => Path.Combine(_root, "app");
    private string Mount => Path.Combine(_root, "storage");
    private string Marker => Path.Combine(_root, "app-started");

    public InitSequenceTests() => Directory.CreateDirectory(App);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private InitSequence Sequence(FakeMounter mounter, string script, TimeSpan? readyTimeout = null)
    {
        var settings = new InitSettings
        {
            Credentials = new S3Credentials("AK", "SECRET", "bucket"),
            Endpoint = new Uri("http://localhost"),
            MountPath = Mount,
            AppRoot = App,
            Symlinks = ["uploads"],
            ReadyTimeout = readyTimeout ?? TimeSpan.FromSeconds(5),
            StopTimeout = TimeSpan.FromSeconds(5),
        };
        var launcher = new AppLauncher(InitBinary.Path, []);
        return new InitSequence(settings, ["sh", "-c", $"touch {Marker}; {script}"], mounter, launcher, new Log(_log), reapOrphans: false);
    }

    [Fact]
    public async Task Mounts_links_runs_then_flushes_and_unmounts_returning_the_app_status()
    {
        var mounter = new FakeMounter(Mount);
        // The app sees its link into storage and writes through it.
        int code = await Sequence(mounter, $"test -L {App}/uploads && echo hi > {App}/uploads/f && exit 5").RunAsync();
        Assert.True(code == 5, _log.ToString());
        Assert.Equal(["mount", "flush", "unmount"], mounter.Calls);
        Assert.Equal("hi\n", File.ReadAllText(Path.Combine(Mount, "uploads/f")));
        string log = _log.ToString();
        Assert.Matches(@"mounted bucket bucket at .*\(\d+ ms\)", log);
        Assert.True(log.IndexOf("mounted", StringComparison.Ordinal) < log.IndexOf("linked uploads", StringComparison.Ordinal));
        Assert.True(log.IndexOf("linked uploads", StringComparison.Ordinal) < log.IndexOf("started the app", StringComparison.Ordinal));
        Assert.DoesNotContain("SECRET", log);
    }

    [Fact]
    public async Task Mount_not_answering_within_the_ready_timeout_fails_without_starting_the_app()
    {
        var mounter = new FakeMounter(Mount) { MountDelay = TimeSpan.FromSeconds(30) };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int code = await Sequence(mounter, "exit 0", TimeSpan.FromMilliseconds(300)).RunAsync();
        Assert.Equal(InitSequence.StartupFailed, code);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.25), $"gave up after {watch.Elapsed}, before the 300 ms ready timeout");
        Assert.Contains("did not answer within 300 ms", _log.ToString());
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public async Task Mount_failure_is_reported_and_the_app_not_started()
    {
        var mounter = new FakeMounter(Mount) { MountFailure = new IOException("bucket unreachable") };
        Assert.Equal(InitSequence.StartupFailed, await Sequence(mounter, "exit 0").RunAsync());
        Assert.Contains("cannot mount bucket bucket", _log.ToString());
        Assert.Contains("bucket unreachable", _log.ToString());
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public async Task Unsafe_symlink_is_a_config_error_found_before_mounting()
    {
        File.WriteAllText(Path.Combine(App, "uploads"), "a file");
        var mounter = new FakeMounter(Mount);
        var error = await Assert.ThrowsAsync<ConfigException>(() => Sequence(mounter, "exit 0").RunAsync());
        Assert.StartsWith("SCALINGO_SHAREDFS_SYMLINKS: ", error.Message);
        Assert.Empty(mounter.Calls);
    }

    [Fact]
    public async Task Sigterm_during_start_up_aborts_unmounts_and_exits_143()
    {
        var mounter = new FakeMounter(Mount) { MountDelay = TimeSpan.FromSeconds(30) };
        InitSequence sequence = Sequence(mounter, "exit 0");
        Task<int> run = sequence.RunAsync();
        await Task.Delay(200);
        sequence.OnSignal(Signals.SIGTERM);
        Assert.Equal(143, await run.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public async Task Mount_going_away_stops_the_app_and_still_unmounts()
    {
        var mounter = new FakeMounter(Mount);
        Task<int> run = Sequence(mounter, "exec sleep 1000").RunAsync();
        for (int i = 0; i < 100 && !File.Exists(Marker); i++) await Task.Delay(50);
        mounter.Gone.TrySetResult();
        Assert.Equal(143, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("went away", _log.ToString());
        Assert.Equal(["mount", "flush", "unmount"], mounter.Calls);
    }
}
