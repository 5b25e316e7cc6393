using System.Collections.Concurrent;
using SharedFs.FileSystem;
using SharedFs.Reliability.Tests.Support;
using SharedFs.Storage;
using SharedFs.TestSupport;
using Xunit.Abstractions;

namespace SharedFs.Reliability.Tests;

/// <summary>
/// S3 faults between a real mount and the gateway (<see cref="ChaosProxy"/>): delays, resets, 500, 503 SlowDown,
/// truncated bodies, a black hole and a stopped server. Every call succeeds after retries or fails with EIO in a
/// bounded time; the mount recovers without a restart; every file whose close() returned 0 is in the bucket.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Short store bounds for the in-process mounts: 4 attempts × 3 s + 3 × 0.5 s = 13.5 s per S3 call.</summary>
    private static S3StoreOptions Tight(S3StoreOptions store, Uri endpoint) => store with
    {
        Endpoint = endpoint,
        RequestTimeout = TimeSpan.FromSeconds(3),
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(100),
        RetryMaxDelay = TimeSpan.FromMilliseconds(500),
        MultipartThreshold = 6L << 20,
        PartSize = 5L << 20,
    };

    private static readonly TimeSpan TightWorstCase = TimeSpan.FromSeconds(4 * 3 + 3 * 0.5);

    private readonly MountWorkspace _workspace = new("sharedfs-rel-fault");
    private TestBucket _bucket => _workspace.Bucket;
    private TempDirectory _folder => _workspace.Folder;
    private ChaosProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        await _workspace.InitializeAsync();
        _proxy = new ChaosProxy(_bucket.Gateway.Endpoint);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _workspace.DisposeAsync();
    }

    private Task<SharedFsMount> MountAsync(string name) => SharedFsMount.MountAsync(new SharedFsMountOptions
    {
        Store = Tight(_bucket.StoreOptions, _proxy.Endpoint),
        MountPoint = _folder.Combine(name),
        StagingDirectory = _folder.Combine(name + "-staging"),
        CacheTtl = TimeSpan.FromSeconds(1),
        UnmountWait = TimeSpan.FromSeconds(2),
    });

    [Fact]
    public async Task Transient_faults_are_retried_and_every_synced_file_is_stored_with_its_bytes()
    {
        using var cleanup = MountCleanup.For(_folder.Path);
        var writer = await MountAsync("writer");
        var reader = await MountAsync("reader");
        try
        {
            // Every third request: reset, 500, 503 SlowDown, truncated body or 300 ms delay, in turn.
            _proxy.Rule = ChaosProxy.EveryNth(3, Chaos.Reset, Chaos.InternalError, Chaos.SlowDown, Chaos.Truncate, Chaos.Delay);
            var random = new Random(7);
            var sizes = Enumerable.Range(0, 18).Select(_ => Data.MixedSize(random)).Concat([3 << 20, 9 << 20]).ToList();
            var results = new ConcurrentDictionary<string, (Posix.WriteResult Result, byte[] Data)>();
            var slowest = TimeSpan.Zero;
            await Parallel.ForEachAsync(sizes.Select((size, i) => (size, i)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (item, _) =>
            {
                var data = Data.Bytes(item.size, item.i);
                var name = $"f{item.i:D2}.bin";
                var (result, elapsed) = await Bounded.RunAsync(() => Posix.WriteFile(Path.Combine(writer.MountPoint, name), data, fsync: true),
                    TimeSpan.FromSeconds(120), $"writing {name}");
                lock (results) if (elapsed > slowest) slowest = elapsed;
                results[name] = (result, data);
            });
            output.WriteLine($"{_proxy.FaultCount} faults injected in {_proxy.RequestCount} requests; slowest write+fsync+close {slowest.TotalSeconds:0.0} s");
            Assert.True(_proxy.FaultCount > 10, "the proxy injected too few faults to prove anything");

            foreach (var (name, (result, _)) in results)
                Assert.True(result.Ok || result.Errno == Posix.EIO, $"{name}: {result} (only success or EIO are allowed)");
            var stored = results.Where(r => r.Value.Result.Ok).ToList();
            output.WriteLine($"{stored.Count}/{results.Count} fsyncs returned 0 under faults");
            Assert.True(stored.Count >= results.Count * 3 / 4, $"retries should absorb one fault in three: only {stored.Count}/{results.Count} succeeded");
            foreach (var (name, (_, data)) in stored)
                Assert.Equal(Data.Sha(data), await BucketCheck.ShaAsync(_bucket, name));

            // Reads through a second mount, under the same faults: the right bytes or EIO, never wrong bytes.
            var readOk = 0;
            foreach (var (name, (_, data)) in stored)
            {
                var ((bytes, errno), _) = await Bounded.RunAsync(() => Posix.ReadFile(Path.Combine(reader.MountPoint, name)),
                    TimeSpan.FromSeconds(120), $"reading {name}");
                Assert.True(errno is 0 or Posix.EIO, $"read {name}: errno {Posix.ErrnoName(errno)}");
                if (errno != 0) continue;
                Assert.True(Data.Sha(data) == Data.Sha(bytes!), $"{name}: read {bytes!.Length} bytes that differ from the {data.Length} stored (truncated body served as data?)");
                readOk++;
            }
            output.WriteLine($"{readOk}/{stored.Count} reads under faults returned the right bytes, the others EIO");
            Assert.True(readOk >= stored.Count * 3 / 4, $"only {readOk}/{stored.Count} reads succeeded");
        }
        finally
        {
            _proxy.Rule = (_, _) => Chaos.None;
            await writer.UnmountAsync();
            await reader.UnmountAsync();
        }
    }

    [Fact]
    public async Task Black_hole_server_gives_EIO_within_the_retry_bound_then_the_mount_recovers()
    {
        using var cleanup = MountCleanup.For(_folder.Path);
        await _bucket.PutTextAsync("old.txt", "stored before the outage");
        var mount = await MountAsync("mnt");
        try
        {
            var dir = mount.MountPoint;
            // A file opened and written before the outage, synced during it: fsync() must report the failure.
            var fd = Posix.OpenForWrite(Path.Combine(dir, "during.txt"));
            Assert.True(fd >= 0, $"open: {Posix.ErrnoName(-fd)}");
            Assert.Equal(0, Posix.Write(fd, Posix.Utf8("written before, synced during the outage")));

            _proxy.Rule = (_, _) => Chaos.Hang;
            var limit = TightWorstCase * 3 + TimeSpan.FromSeconds(30);
            var close = Bounded.RunAsync(() => { var errno = Posix.Fsync(fd); Posix.Close(fd); return errno; }, limit, "fsync during a black hole");
            var write = Bounded.RunAsync(() => Posix.WriteFile(Path.Combine(dir, "new.txt"), Posix.Utf8("new"), fsync: true), limit, "create during a black hole");
            var read = Bounded.RunAsync(() => Posix.ReadFile(Path.Combine(dir, "old.txt")).Errno, limit, "read during a black hole");
            var (closeErrno, closeTime) = await close;
            var (writeResult, writeTime) = await write;
            var (readErrno, readTime) = await read;
            output.WriteLine($"black hole: fsync {Posix.ErrnoName(closeErrno)} after {closeTime.TotalSeconds:0.0} s, " +
                $"create {writeResult} after {writeTime.TotalSeconds:0.0} s, read {Posix.ErrnoName(readErrno)} after {readTime.TotalSeconds:0.0} s " +
                $"(one S3 call's worst case: {TightWorstCase.TotalSeconds} s)");
            Assert.Equal(Posix.EIO, closeErrno);
            Assert.Equal(Posix.EIO, writeResult.Errno);
            Assert.Equal(Posix.EIO, readErrno);
            // A failed fsync keeps the data staged and retried: whatever lands later is whole.
            Assert.Contains(await BucketCheck.ShaAsync(_bucket, "new.txt"), new[] { null, Data.Sha(Posix.Utf8("new")) });

            // The server answers again: the same mount works, no restart.
            _proxy.Rule = (_, _) => Chaos.None;
            await AssertWorksAsync(dir);
        }
        finally
        {
            _proxy.Rule = (_, _) => Chaos.None;
            await mount.UnmountAsync();
        }
    }

    [Fact]
    public async Task Stopped_server_gives_EIO_quickly_with_default_settings_and_sharedfs_init_mount_recovers()
    {
        // The executable with its production retry settings, through the proxy.
        using var cleanup = MountCleanup.For(_folder.Path);
        await _bucket.PutTextAsync("old.txt", "stored before the outage");
        var mountPoint = _folder.Combine("init-mnt");
        using var init = InitExecutable.Start(["mount"], new Dictionary<string, string?>
        {
            ["SCALINGO_SHAREDFS_CREDENTIALS"] = _bucket.Credentials,
            ["SHAREDFS_ENDPOINT"] = _proxy.Endpoint.ToString(),
            ["SHAREDFS_MOUNT"] = mountPoint,
            ["SHAREDFS_STAGING_DIR"] = _folder.Combine("init-staging"),
        });
        await init.WaitForMountAsync(mountPoint);

        var fd = Posix.OpenForWrite(Path.Combine(mountPoint, "during.txt"));
        Assert.True(fd >= 0, $"open: {Posix.ErrnoName(-fd)}");
        Assert.Equal(0, Posix.Write(fd, Posix.Utf8("closed while the server is down")));

        await _proxy.StopAsync();
        var limit = TimeSpan.FromSeconds(60);
        var (closeErrno, closeTime) = await Bounded.RunAsync(() => { var errno = Posix.Fsync(fd); Posix.Close(fd); return errno; }, limit, "fsync with the server down");
        var (writeResult, writeTime) = await Bounded.RunAsync(() => Posix.WriteFile(Path.Combine(mountPoint, "new.txt"), Posix.Utf8("x"), fsync: true), limit, "create with the server down");
        var (readErrno, readTime) = await Bounded.RunAsync(() => Posix.ReadFile(Path.Combine(mountPoint, "old.txt")).Errno, limit, "read with the server down");
        var (listError, listTime) = await Bounded.RunAsync(() =>
        {
            try { Directory.GetFileSystemEntries(Path.Combine(mountPoint, "some-dir")); return "listed"; }
            catch (IOException e) { return e.GetType().Name + ": " + e.Message; }
        }, limit, "listing with the server down");
        output.WriteLine($"server down (connection refused), production settings: fsync {Posix.ErrnoName(closeErrno)} in {closeTime.TotalSeconds:0.0} s, " +
            $"create {writeResult} in {writeTime.TotalSeconds:0.0} s, read {Posix.ErrnoName(readErrno)} in {readTime.TotalSeconds:0.0} s, " +
            $"list '{listError}' in {listTime.TotalSeconds:0.0} s");
        Assert.Equal(Posix.EIO, closeErrno);
        Assert.Equal(Posix.EIO, writeResult.Errno);
        Assert.Equal(Posix.EIO, readErrno);
        Assert.NotEqual("listed", listError);
        foreach (var elapsed in new[] { closeTime, writeTime, readTime, listTime })
            Assert.True(elapsed < TimeSpan.FromSeconds(20), $"a refused connection should fail within seconds, took {elapsed.TotalSeconds:0.0} s");

        _proxy.Start();
        await AssertWorksAsync(mountPoint);
        Assert.True(ProcFs.IsFuseMountedAt(mountPoint), "the mount went away during the outage");
        init.Signal(15);
        var exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine(init.Stderr);
        Assert.DoesNotContain(_bucket.Gateway.SecretKey, init.Stderr);
        // The file whose fsync failed was kept staged and uploaded at the final flush (or reported as not uploaded).
        var during = await BucketCheck.ShaAsync(_bucket, "during.txt");
        Assert.True(during == Data.Sha(Posix.Utf8("closed while the server is down")) || exit == 1,
            $"exit {exit}, during.txt {during}: a failed upload must be retried at unmount or reported by the exit status");
    }

    private async Task AssertWorksAsync(string dir)
    {
        var data = Data.Bytes(200_000, 99);
        var (result, _) = await Bounded.RunAsync(() => Posix.WriteFile(Path.Combine(dir, "after.bin"), data, fsync: true), TimeSpan.FromSeconds(60), "write after recovery");
        Assert.True(result.Ok, $"write after the server came back: {result}");
        Assert.Equal(Data.Sha(data), await BucketCheck.ShaAsync(_bucket, "after.bin"));
        var ((old, errno), _) = await Bounded.RunAsync(() => Posix.ReadFile(Path.Combine(dir, "old.txt")), TimeSpan.FromSeconds(60), "read after recovery");
        Assert.True(errno == 0, $"read after the server came back: {Posix.ErrnoName(errno)}");
        Assert.Equal("stored before the outage", System.Text.Encoding.UTF8.GetString(old!));
        Assert.Contains("after.bin", Directory.GetFiles(dir).Select(Path.GetFileName));
    }
}
