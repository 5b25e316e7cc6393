using System.Collections.Concurrent;
using Amazon.S3.Model;
using CliWrap;
using CliWrap.Buffered;
using SharedFs.Reliability.Tests.Support;
using SharedFs.TestSupport;
using Xunit.Abstractions;

namespace SharedFs.Reliability.Tests;

/// <summary>The mount process dies (kill -9) or its staging disk fills up: objects stay whole, the next start works.</summary>
public sealed class ProcessFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly MountWorkspace _workspace = new("sharedfs-rel-proc");
    private TestBucket _bucket => _workspace.Bucket;
    private TempDirectory _folder => _workspace.Folder;

    public Task InitializeAsync() => _workspace.InitializeAsync();

    public Task DisposeAsync() => _workspace.DisposeAsync();

    private Dictionary<string, string?> Environment(string mountPoint, string staging) => new()
    {
        ["SCALINGO_SHAREDFS_CREDENTIALS"] = _bucket.Credentials,
        ["SHAREDFS_ENDPOINT"] = _bucket.Gateway.Endpoint.ToString(),
        ["SHAREDFS_MOUNT"] = mountPoint,
        ["SHAREDFS_STAGING_DIR"] = staging,
    };

    [Fact]
    public async Task Kill_9_of_the_mount_loses_no_file_whose_close_returned()
    {
        using var cleanup = MountCleanup.For(_folder.Path);
        var mountPoint = _folder.Combine("mnt");
        var written = new ConcurrentQueue<(string Name, byte[] Bytes, Posix.WriteResult Result)>();
        using (var mount = InitExecutable.Start(["mount"], Environment(mountPoint, _folder.Combine("staging"))))
        {
            await mount.WaitForMountAsync(mountPoint);
            Directory.CreateDirectory(Path.Combine(mountPoint, "uploads"));
            using var stop = new CancellationTokenSource();
            // An app saving uploads one after the other (open, write, close; no fsync), until the mount dies.
            var app = Task.Factory.StartNew(() =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var name = $"uploads/u{i}.bin";
                    var bytes = Data.Bytes(4_000 + i * 997 % 100_000, i);
                    var result = Posix.WriteFile(Path.Combine(mountPoint, name), bytes);
                    written.Enqueue((name, bytes, result));
                    if (!result.Ok) return;
                }
            }, TaskCreationOptions.LongRunning);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (written.Count(w => w.Result.Ok) < 25 && DateTime.UtcNow < deadline && !app.IsCompleted) await Task.Delay(10);
            mount.Signal(9);
            await mount.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await stop.CancelAsync();
            await app.WaitAsync(TimeSpan.FromSeconds(60));
        }

        var closed = written.Where(w => w.Result.Ok).ToList();
        output.WriteLine($"kill -9 after {closed.Count} closes had returned 0; the next one got {written.LastOrDefault().Result}");
        Assert.True(closed.Count >= 25, $"only {closed.Count} closes returned before the kill");
        foreach (var (name, bytes, _) in closed)
            Assert.True(Data.Sha(bytes) == await BucketCheck.ShaAsync(_bucket, name), $"{name}: its close() returned 0, but the bucket does not have its bytes");
    }

    private static bool StagedOnDisk(string staging) =>
        Directory.Exists(staging) && Directory.EnumerateFiles(staging, "stage-*", SearchOption.AllDirectories).Any();

    [Fact]
    public async Task Kill_9_during_writes_leaves_every_object_old_or_new_and_the_next_start_clears_the_dead_mount_and_keeps_what_was_staged()
    {
        using var cleanup = MountCleanup.For(_folder.Path);
        var mountPoint = _folder.Combine("mnt");
        var staging = _folder.Combine("staging");
        // Old versions: small files, a few MiB, and two above the 32 MiB multipart threshold of the executable.
        var sizes = new[] { 1_000, 20_000, 70_000, 300_000, 1 << 20, 3 << 20, 6 << 20, 6 << 20, 40 << 20, 40 << 20 };
        var files = sizes.Select((size, i) => (Name: $"dir/f{i}.bin", Old: Data.Bytes(size, i), New: Data.Bytes(size + 3, 1000 + i))).ToList();
        foreach (var (name, old, _) in files)
            await _bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket.Name, Key = name, InputStream = new MemoryStream(old) });

        var closed = new ConcurrentDictionary<string, Posix.WriteResult>();
        using (var first = InitExecutable.Start(["mount"], Environment(mountPoint, staging)))
        {
            await first.WaitForMountAsync(mountPoint);
            var writers = files.Select(f => Task.Factory.StartNew(() =>
                closed[f.Name] = Posix.WriteFile(Path.Combine(mountPoint, f.Name), f.New, chunk: 256 << 10, fsync: true), TaskCreationOptions.LongRunning)).ToList();
            // Kill once some fsyncs have returned and others are still writing or uploading (one at least staged on disk).
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while ((closed.Count < 4 || !StagedOnDisk(staging)) && DateTime.UtcNow < deadline) await Task.Delay(10);
            first.Signal(9);
            output.WriteLine($"kill -9 after {closed.Count} of {files.Count} closes had returned");
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        }

        // The dead mount answers "Transport endpoint is not connected" (below its root: the kernel caches the root).
        Assert.Equal(Posix.ENOTCONN, Posix.StatErrno(Path.Combine(mountPoint, "probe-" + Guid.NewGuid().ToString("N"))));
        foreach (var (name, old, @new) in files)
        {
            var sha = await BucketCheck.ShaAsync(_bucket, name);
            var result = closed[name];
            output.WriteLine($"{name} ({old.Length} B): writer saw {result}; bucket has {(sha == Data.Sha(@new) ? "new" : sha == Data.Sha(old) ? "old" : "OTHER")}");
            Assert.True(sha == Data.Sha(old) || sha == Data.Sha(@new), $"{name} is torn: neither the old nor the new version");
            if (result.Ok) Assert.Equal(Data.Sha(@new), sha);
        }
        Assert.Contains(closed.Values, r => !r.Ok);

        // Next start: clears the stale mount, mounts again, serves what is in the bucket.
        using var second = InitExecutable.Start(["mount"], Environment(mountPoint, staging));
        await second.WaitForMountAsync(mountPoint);
        Assert.Equal(0, Posix.StatErrno(Path.Combine(mountPoint, "dir")));
        foreach (var (name, _, _) in files)
        {
            var (bytes, errno) = Posix.ReadFile(Path.Combine(mountPoint, name));
            Assert.True(errno == 0, $"{name}: {Posix.ErrnoName(errno)}");
            Assert.Equal(await BucketCheck.ShaAsync(_bucket, name), Data.Sha(bytes!));
        }
        Assert.True(Posix.WriteFile(Path.Combine(mountPoint, "after-restart.txt"), Posix.Utf8("ok")).Ok);
        // What the killed process had staged (files it was still writing) is kept, apart, and reported, never deleted.
        var kept = Assert.Single(Directory.GetDirectories(staging, "crashed-*"));
        Assert.Contains(Directory.GetFiles(kept), f => Path.GetFileName(f) != ".lock");
        var reported = DateTime.UtcNow.AddSeconds(30);
        while (!second.Stderr.Contains($"kept in {kept}", StringComparison.Ordinal) && DateTime.UtcNow < reported) await Task.Delay(20);
        Assert.Contains($"kept in {kept}", second.Stderr);
        Assert.Equal(2, Directory.GetDirectories(staging).Length);
        second.Signal(15);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        // Interrupted multipart uploads stay on the server as invisible parts until aborted (or a lifecycle rule).
        var uploads = await _bucket.Client.ListMultipartUploadsAsync(_bucket.Name);
        output.WriteLine($"{uploads.MultipartUploads?.Count ?? 0} interrupted multipart upload(s) left on the server");
        foreach (var upload in uploads.MultipartUploads ?? [])
            await _bucket.Client.AbortMultipartUploadAsync(_bucket.Name, upload.Key, upload.UploadId);
    }

    [Fact]
    public async Task Full_staging_disk_gives_ENOSPC_to_the_writer_and_corrupts_nothing()
    {
        using var cleanup = MountCleanup.For(_folder.Path);
        var mountPoint = _folder.Combine("mnt");
        var staging = _folder.Combine("small-staging");
        Directory.CreateDirectory(staging);
        var tmpfs = await Cli.Wrap("mount").WithArguments(["-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", staging])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(tmpfs.ExitCode == 0, "mount -t tmpfs: " + tmpfs.StandardError);

        var keep = Data.Bytes(1 << 20, 1);
        var other = Data.Bytes(50_000, 2);
        await _bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket.Name, Key = "keep.bin", InputStream = new MemoryStream(keep) });
        await _bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket.Name, Key = "other.bin", InputStream = new MemoryStream(other) });

        using var init = InitExecutable.Start(["mount"], Environment(mountPoint, staging));
        await init.WaitForMountAsync(mountPoint);

        var big = Data.Bytes(20 << 20, 3);
        var (fresh, _) = await Bounded.RunAsync(() => Posix.WriteFile(Path.Combine(mountPoint, "big.bin"), big), TimeSpan.FromSeconds(60), "writing 20 MiB to an 8 MiB staging disk");
        var (overwrite, _) = await Bounded.RunAsync(() => Posix.WriteFile(Path.Combine(mountPoint, "keep.bin"), big), TimeSpan.FromSeconds(60), "overwriting with 20 MiB");
        output.WriteLine($"new file: {fresh}; overwrite: {overwrite}");
        Assert.Equal(Posix.ENOSPC, fresh.Errno);
        Assert.Equal(Posix.ENOSPC, overwrite.Errno);

        // Whatever reached the bucket is the old object or a prefix of what write() accepted: never foreign bytes.
        foreach (var (key, before) in new[] { ("big.bin", (byte[]?)null), ("keep.bin", keep) })
        {
            var stored = await ReadObjectAsync(key);
            var verdict = stored is null ? "absent" : before is not null && stored.AsSpan().SequenceEqual(before) ? "old" :
                big.AsSpan().StartsWith(stored) ? $"the first {stored.Length} bytes written" : "CORRUPT";
            output.WriteLine($"{key} after ENOSPC: {verdict}");
            Assert.NotEqual("CORRUPT", verdict);
        }
        Assert.Equal(Data.Sha(other), await BucketCheck.ShaAsync(_bucket, "other.bin"));

        // The space comes back with the failed files' staging: the mount keeps working.
        var small = Data.Bytes(100_000, 4);
        var after = Posix.WriteFile(Path.Combine(mountPoint, "after.bin"), small, fsync: true);
        Assert.True(after.Ok, $"a small write after ENOSPC: {after}");
        Assert.Equal(Data.Sha(small), await BucketCheck.ShaAsync(_bucket, "after.bin"));
        var (otherBytes, errno) = Posix.ReadFile(Path.Combine(mountPoint, "other.bin"));
        Assert.True(errno == 0 && Data.Sha(otherBytes!) == Data.Sha(other));
        init.Signal(15);
        var exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"exit {exit}; stderr:\n{init.Stderr}");
    }

    private async Task<byte[]?> ReadObjectAsync(string key)
    {
        try
        {
            using var response = await _bucket.Client.GetObjectAsync(_bucket.Name, key);
            using var memory = new MemoryStream();
            await response.ResponseStream.CopyToAsync(memory);
            return memory.ToArray();
        }
        catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
