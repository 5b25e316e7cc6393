using Amazon.S3.Model;
using CliWrap;
using CliWrap.Buffered;
using SharedFs.Reliability.Tests.Support;
using SharedFs.TestSupport;
using Xunit.Abstractions;

namespace SharedFs.Reliability.Tests;

/// <summary>
/// A full plan is a full disk: df shows the plan's size and the bucket's bytes, a write past SHAREDFS_QUOTA or past
/// the server's own bucket quota is ENOSPC with one log line, and nothing already in the bucket changes.
/// </summary>
public sealed class QuotaTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MiB = 1 << 20;
    private readonly MountWorkspace _workspace = new("sharedfs-rel-quota");
    private TestBucket _bucket => _workspace.Bucket;
    private TempDirectory _folder => _workspace.Folder;

    public Task InitializeAsync() => _workspace.InitializeAsync();

    public Task DisposeAsync() => _workspace.DisposeAsync();

    private Dictionary<string, string?> Environment(string mountPoint, string? quota) => new()
    {
        ["SCALINGO_SHAREDFS_CREDENTIALS"] = _bucket.Credentials,
        ["SHAREDFS_ENDPOINT"] = _bucket.Gateway.Endpoint.ToString(),
        ["SHAREDFS_MOUNT"] = mountPoint,
        ["SHAREDFS_STAGING_DIR"] = _folder.Combine("staging"),
        ["SHAREDFS_QUOTA"] = quota,
    };

    /// <summary>df's size and used bytes, as the user sees them.</summary>
    private static async Task<(long Size, long Used)> DfAsync(string mountPoint)
    {
        Requirements.Program("df");
        var result = await Cli.Wrap("df").WithArguments(["-B1", "--output=size,used", mountPoint]).ExecuteBufferedAsync();
        var figures = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        return (figures[0], figures[1]);
    }

    private static async Task<(long Size, long Used)> DfOnceAsync(string mountPoint, Func<(long Size, long Used), bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var df = await DfAsync(mountPoint);
            if (condition(df)) return df;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"df never showed {what}: last {df}");
            await Task.Delay(50);
        }
    }

    private async Task PutAsync(string key, int size) =>
        await _bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket.Name, Key = key, InputStream = new MemoryStream(Data.Bytes(size, size)) });

    private async Task<long?> StoredSizeAsync(string key)
    {
        var listed = await _bucket.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket.Name, Prefix = key });
        return (listed.S3Objects ?? []).FirstOrDefault(o => o.Key == key)?.Size;
    }

    [Fact]
    public async Task Df_shows_the_plan_and_a_write_past_SHAREDFS_QUOTA_is_ENOSPC_and_touches_nothing_stored()
    {
        Requirements.DevFuse();
        using var cleanup = MountCleanup.For(_folder.Path);
        await PutAsync("shipped/logo.png", 3 * MiB);
        var mountPoint = _folder.Combine("mnt");
        using var mount = InitExecutable.Start(["mount"], Environment(mountPoint, "4m"));
        await mount.WaitForMountAsync(mountPoint);

        var df = await DfOnceAsync(mountPoint, d => d.Used >= 3 * MiB, "the 3 MiB already in the bucket");
        Assert.Equal(4L * MiB, df.Size);

        var big = Data.Bytes(2 * MiB, 7);
        var result = Posix.WriteFile(Path.Combine(mountPoint, "upload.bin"), big, chunk: 256 << 10);
        output.WriteLine($"writing 2 MiB with 1 MiB left: {result}");
        Assert.Equal(Posix.ENOSPC, result.Errno);
        Assert.Equal(3L * MiB, await StoredSizeAsync("shipped/logo.png"));
        // Like a full disk, the file keeps what write() accepted before it filled, never more than the plan.
        Assert.True(await StoredSizeAsync("upload.bin") is null or <= MiB);
        Assert.Contains("SHAREDFS_QUOTA", mount.Stderr);

        // Space comes back with a delete.
        File.Delete(Path.Combine(mountPoint, "shipped", "logo.png"));
        Assert.True(Posix.WriteFile(Path.Combine(mountPoint, "upload.bin"), big).Ok);
        df = await DfAsync(mountPoint);
        Assert.InRange(df.Used, 2L * MiB, 4L * MiB);
        mount.Signal(15);
        Assert.Equal(0, await mount.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_full_bucket_quota_on_the_server_is_ENOSPC_at_close_and_df_shows_the_bytes_used()
    {
        Requirements.DevFuse();
        Requirements.Program("radosgw-admin");
        await RadosGwAdminAsync("quota", "set", "--quota-scope=bucket", $"--bucket={_bucket.Name}", $"--max-size={2 * MiB}");
        await RadosGwAdminAsync("quota", "enable", "--quota-scope=bucket", $"--bucket={_bucket.Name}");
        await PutAsync("kept.bin", MiB);
        using var cleanup = MountCleanup.For(_folder.Path);
        var mountPoint = _folder.Combine("mnt");
        using var mount = InitExecutable.Start(["mount"], Environment(mountPoint, null));
        await mount.WaitForMountAsync(mountPoint);
        await DfOnceAsync(mountPoint, d => d.Used >= MiB, "the 1 MiB already in the bucket");

        var result = Posix.WriteFile(Path.Combine(mountPoint, "too-big.bin"), Data.Bytes(3 * MiB / 2, 9));
        output.WriteLine($"writing 1.5 MiB into a bucket with 1 MiB of its 2 MiB quota used: {result}");
        Assert.Equal(("close", Posix.ENOSPC), (result.Step, result.Errno));
        Assert.Null(await StoredSizeAsync("too-big.bin"));
        Assert.Equal(MiB, await StoredSizeAsync("kept.bin"));
        Assert.Contains("the server says the bucket's quota is full", mount.Stderr);
        mount.Signal(15);
        // The file that could not be stored is kept on this machine, never dropped: the exit says so.
        Assert.Equal(1, await mount.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private async Task RadosGwAdminAsync(params string[] args)
    {
        var dir = System.Environment.GetEnvironmentVariable("CEPH_S3_DIR") is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), $"sharedfs-ceph-{System.Environment.ProcessId}");
        if (!File.Exists(Path.Combine(dir, "ceph.conf")))
            throw new RequirementMissingException($"the Ceph folder of the gateway at {_bucket.Gateway.Endpoint} is not known (set CEPH_S3_DIR): the bucket quota cannot be set");
        var result = await Cli.Wrap("radosgw-admin").WithArguments(["-c", Path.Combine(dir, "ceph.conf"), "-n", "client.rgw.x", .. args])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0) throw new InvalidOperationException($"radosgw-admin {string.Join(' ', args)} failed: {result.StandardError}");
    }
}
