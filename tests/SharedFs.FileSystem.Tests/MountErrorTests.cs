using SharedFs.Storage;
using SharedFs.TestSupport;
using SharedFs.TestSupport.Tls;

namespace SharedFs.FileSystem.Tests;

/// <summary>MountAsync reaches the bucket first and names the problem when it cannot; nothing stays mounted.</summary>
public sealed class MountErrorTests(TestBucket bucket, BadCertificateServers tls) : IClassFixture<TestBucket>, IClassFixture<BadCertificateServers>
{
    private static async Task<StorageException> MountFailsAsync(S3StoreOptions store)
    {
        using var folder = new TempDirectory("sharedfs-mount-error");
        var mountPoint = folder.Combine("mnt");
        using var cleanup = MountCleanup.For(mountPoint);
        var error = await Assert.ThrowsAsync<StorageException>(() => SharedFsMount.MountAsync(new SharedFsMountOptions
        {
            Store = store,
            MountPoint = mountPoint,
            StagingDirectory = folder.Combine("staging"),
        }));
        Assert.False(MountCleanup.IsMounted(mountPoint));
        return error;
    }

    [Fact]
    public async Task Wrong_keys_are_named()
    {
        var error = await MountFailsAsync(bucket.StoreOptions with { SecretAccessKey = "not-the-secret" });
        Assert.Contains("secret key is wrong", error.Message);
        Assert.DoesNotContain("not-the-secret", error.Message);
    }

    [Fact]
    public async Task A_missing_bucket_is_named()
    {
        var error = await MountFailsAsync(bucket.StoreOptions with { Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8] });
        Assert.Contains("there is no bucket", error.Message);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_named()
    {
        var error = await MountFailsAsync(bucket.StoreOptions with
        {
            Endpoint = new Uri("http://127.0.0.1:9"),
            MaxRetries = 0,
            RequestTimeout = TimeSpan.FromSeconds(2),
        });
        Assert.Contains("cannot be reached", error.Message);
    }

    [Fact]
    public async Task A_refused_certificate_is_named_at_once_without_a_retry()
    {
        var connectionsBefore = tls.Untrusted.Connections;
        var error = await MountFailsAsync(bucket.StoreOptions with { Endpoint = tls.Untrusted.Endpoint, MaxRetries = 4 });
        Assert.Equal(StorageErrorKind.CertificateRefused, error.Kind);
        Assert.StartsWith($"the TLS certificate of 127.0.0.1:{tls.Untrusted.Endpoint.Port} is not trusted", error.Message);
        Assert.Equal([CertificateFault.Untrusted], error.Certificate!.Faults);
        Assert.Equal(1, tls.Untrusted.Connections - connectionsBefore);
    }

    [Fact]
    public async Task A_stale_mount_left_by_a_crash_is_cleared()
    {
        Requirements.DevFuse();
        using var folder = new TempDirectory("sharedfs-stale");
        var mountPoint = folder.Combine("mnt");
        using var cleanup = MountCleanup.For(mountPoint);
        Directory.CreateDirectory(mountPoint);
        // A FUSE server killed without unmounting: s3fs, killed -9, leaves "Transport endpoint is not connected".
        var passwd = folder.Combine("passwd");
        File.WriteAllText(passwd, $"{bucket.Gateway.AccessKey}:{bucket.Gateway.SecretKey}");
        File.SetUnixFileMode(passwd, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await Shell.RunAsync($"s3fs {bucket.Name} '{mountPoint}' -o url={bucket.Gateway.Endpoint.ToString().TrimEnd('/')} -o use_path_request_style -o passwd_file='{passwd}'");
        var pid = (await Shell.RunAsync($"pgrep -f -n 's3fs {bucket.Name} {mountPoint}'")).Trim();
        await Shell.RunAsync($"kill -9 {pid}");
        // Wait for the kill itself (the process gone), with a deadline only a hang reaches.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"s3fs {pid} still runs after kill -9");
        Assert.Throws<IOException>(() => Directory.GetFiles(mountPoint));
        var second = await MountedBucket.MountAsync(bucket, mountPoint, folder.Combine("staging"));
        await File.WriteAllTextAsync(Path.Combine(mountPoint, "again.txt"), "again");
        Assert.True(await second.UnmountAsync());
        Assert.Equal("again", await bucket.GetTextAsync("again.txt"));
    }
}
