using System.Collections.Concurrent;
using System.Diagnostics;
using SharedFs.Reliability.Tests.Support;
using SharedFs.TestSupport;
using Xunit.Abstractions;

namespace SharedFs.Reliability.Tests;

/// <summary>
/// Two `sharedfs-init mount` processes on one bucket, 8 writers each, while readers list and read the other
/// mount's finished files: a file whose close() returned in one mount is found with its bytes by the other at
/// once. SHAREDFS_LOAD_FILES sets the files per writer: 100 here, 1000 in `make soak`.
/// </summary>
public sealed class LoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Mounts = 2, WritersPerMount = 8, ReadersPerMount = 2;
    /// <summary>Peak resident memory allowed to one mount process (measured peaks are far below; see docs/reliability.md).</summary>
    private const long MemoryBoundMiB = 512;

    private static int FilesPerWriter =>
        int.TryParse(Environment.GetEnvironmentVariable("SHAREDFS_LOAD_FILES"), out var n) && n > 0 ? n : 100;

    private readonly MountWorkspace _workspace = new("sharedfs-rel-load");
    private TestBucket _bucket => _workspace.Bucket;
    private TempDirectory _folder => _workspace.Folder;

    public Task InitializeAsync() => _workspace.InitializeAsync();

    public Task DisposeAsync() => _workspace.DisposeAsync();

    [Fact]
    public async Task Two_mounts_with_concurrent_writers_and_readers_lose_nothing_and_stay_bounded_in_memory()
    {
        using var cleanup = MountCleanup.For(_folder.Path);
        var mounts = new List<LongRunning>();
        try
        {
            for (var m = 0; m < Mounts; m++)
            {
                var mountPoint = _folder.Combine($"mnt{m}");
                mounts.Add(InitExecutable.Start(["mount"], new Dictionary<string, string?>
                {
                    ["SCALINGO_SHAREDFS_CREDENTIALS"] = _bucket.Credentials,
                    ["SHAREDFS_ENDPOINT"] = _bucket.Gateway.Endpoint.ToString(),
                    ["SHAREDFS_MOUNT"] = mountPoint,
                    ["SHAREDFS_STAGING_DIR"] = _folder.Combine($"staging{m}"),
                }));
            }
            for (var m = 0; m < Mounts; m++) await mounts[m].WaitForMountAsync(_folder.Combine($"mnt{m}"));

            var files = FilesPerWriter;
            var written = new ConcurrentDictionary<string, string>(); // relative path → SHA-256, once close() returned 0
            var finished = new ConcurrentQueue<(int Mount, string Path)>();
            var errors = new ConcurrentQueue<string>();
            long bytes = 0, reads = 0, listings = 0;
            var watch = Stopwatch.StartNew();
            using var stopReaders = new CancellationTokenSource();

            var writers = new List<Task>();
            for (var m = 0; m < Mounts; m++)
            for (var w = 0; w < WritersPerMount; w++)
            {
                var (mount, writer) = (m, w);
                writers.Add(Task.Factory.StartNew(() =>
                {
                    var random = new Random(mount * 100 + writer);
                    var dir = $"load/m{mount}w{writer}";
                    Directory.CreateDirectory(Path.Combine(_folder.Combine($"mnt{mount}"), dir));
                    for (var i = 0; i < files; i++)
                    {
                        var data = Data.Bytes(Data.MixedSize(random), HashCode.Combine(mount, writer, i));
                        var relative = $"{dir}/f{i:D4}.bin";
                        var result = Posix.WriteFile(Path.Combine(_folder.Combine($"mnt{mount}"), relative), data);
                        if (!result.Ok) { errors.Enqueue($"write {relative}: {result}"); continue; }
                        written[relative] = Data.Sha(data);
                        Interlocked.Add(ref bytes, data.Length);
                        finished.Enqueue((mount, relative)); // its close() returned: every mount must find it
                    }
                }, TaskCreationOptions.LongRunning));
            }

            var readers = new List<Task>();
            for (var m = 0; m < Mounts; m++)
            for (var r = 0; r < ReadersPerMount; r++)
            {
                var (mount, reader) = (m, r);
                readers.Add(Task.Factory.StartNew(() =>
                {
                    var random = new Random(1000 + mount * 10 + reader);
                    var root = _folder.Combine($"mnt{mount}");
                    while (!stopReaders.IsCancellationRequested)
                    {
                        // A listing of another writer's folder, then a file closed by the other mount.
                        var dir = Path.Combine(root, $"load/m{random.Next(Mounts)}w{random.Next(WritersPerMount)}");
                        try
                        {
                            if (Directory.Exists(dir)) { Directory.GetFiles(dir); Interlocked.Increment(ref listings); }
                        }
                        catch (IOException e) { errors.Enqueue($"list {dir}: {e.Message}"); }
                        var candidates = finished.Where(f => f.Mount != mount).ToList();
                        if (candidates.Count == 0) { Thread.Sleep(20); continue; }
                        var (_, pick) = candidates[random.Next(candidates.Count)];
                        var (data, errno) = Posix.ReadFile(Path.Combine(root, pick));
                        if (errno != 0) errors.Enqueue($"read {pick} via mount {mount}: {Posix.ErrnoName(errno)}");
                        else if (Data.Sha(data!) != written[pick]) errors.Enqueue($"read {pick} via mount {mount}: wrong bytes ({data!.Length} B)");
                        Interlocked.Increment(ref reads);
                    }
                }, TaskCreationOptions.LongRunning));
            }

            var peaks = new long[Mounts];
            while (!Task.WhenAll(writers).IsCompleted)
            {
                for (var m = 0; m < Mounts; m++) peaks[m] = Math.Max(peaks[m], mounts[m].PeakRssKiB);
                await Task.Delay(200);
            }
            await Task.WhenAll(writers);
            var writeTime = watch.Elapsed;
            await stopReaders.CancelAsync();
            await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));
            for (var m = 0; m < Mounts; m++) peaks[m] = Math.Max(peaks[m], mounts[m].PeakRssKiB);

            output.WriteLine($"{written.Count} files, {bytes / 1048576.0:0.0} MiB written by {Mounts}×{WritersPerMount} writers in {writeTime.TotalSeconds:0.0} s " +
                $"({bytes / 1048576.0 / writeTime.TotalSeconds:0.0} MiB/s); {reads} cross-mount reads and {listings} listings at the same time");
            output.WriteLine($"peak RSS (VmHWM) of the mount processes: {string.Join(", ", peaks.Select(p => $"{p / 1024} MiB"))}");
            foreach (var error in errors.Take(20)) output.WriteLine(error);
            Assert.Empty(errors);
            Assert.Equal(Mounts * WritersPerMount * files, written.Count);
            Assert.True(reads > 0, "the readers read nothing");

            // Every file, straight from the gateway: listed and with its bytes (once the writers' mounts are synced).
            for (var m = 0; m < Mounts; m++) Assert.Equal(0, Posix.SyncDirectory(_folder.Combine($"mnt{m}")));
            var keys = (await _bucket.ListKeysAsync("load/")).Where(k => !k.EndsWith('/')).ToHashSet();
            Assert.Equal(written.Keys.OrderBy(k => k, StringComparer.Ordinal), keys.OrderBy(k => k, StringComparer.Ordinal));
            // SHA-256 of a random sample read back from the gateway (all of them when SHAREDFS_LOAD_VERIFY_ALL=1, as in soak).
            var all = Environment.GetEnvironmentVariable("SHAREDFS_LOAD_VERIFY_ALL") == "1";
            var sample = all ? written.ToList() : written.OrderBy(_ => Random.Shared.Next()).Take(300).ToList();
            await Parallel.ForEachAsync(sample, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (entry, _) =>
                Assert.Equal(entry.Value, await BucketCheck.ShaAsync(_bucket, entry.Key)));

            foreach (var (peak, m) in peaks.Select((p, m) => (p, m)))
                Assert.True(peak / 1024 < MemoryBoundMiB, $"mount {m} peaked at {peak / 1024} MiB (bound {MemoryBoundMiB} MiB)");
            foreach (var mount in mounts)
            {
                mount.Signal(15);
                Assert.Equal(0, await mount.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            }
        }
        finally
        {
            foreach (var mount in mounts) mount.Dispose();
        }
    }
}
