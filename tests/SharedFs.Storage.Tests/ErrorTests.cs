using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SharedFs.TestSupport;

namespace SharedFs.Storage.Tests;

/// <summary>Failures that must surface fast, with the right kind, and without the secret.</summary>
public sealed class ErrorTests(TestBucket bucket) : IClassFixture<TestBucket>
{
    [Fact]
    public async Task A_wrong_secret_is_InvalidCredentials_at_once_and_never_shown()
    {
        const string wrongSecret = "definitely-not-the-secret-0123456789";
        using var store = new S3ObjectStore(bucket.StoreOptions with { SecretAccessKey = wrongSecret });
        var clock = Stopwatch.StartNew();

        var listing = await Assert.ThrowsAsync<StorageException>(() => store.ListPageAsync("", "/", null));
        var read = await Assert.ThrowsAsync<StorageException>(() => store.ReadAsync("any", 0, new byte[10]));
        var upload = await Assert.ThrowsAsync<StorageException>(() => store.UploadAsync("any", new MemoryStream([1, 2, 3]), 3, ObjectWriteOptions.Empty));

        Assert.All([listing, read, upload], error =>
        {
            Assert.Equal(StorageErrorKind.InvalidCredentials, error.Kind);
            Assert.DoesNotContain(wrongSecret, error.ToString());
        });
        Assert.Equal(0, store.RetryCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_wrong_access_key_is_InvalidCredentials()
    {
        using var store = new S3ObjectStore(bucket.StoreOptions with { AccessKeyId = "NOSUCHACCESSKEY" });
        var error = await Assert.ThrowsAsync<StorageException>(() => store.ProbeAsync());
        Assert.Equal(StorageErrorKind.InvalidCredentials, error.Kind);
    }

    [Fact]
    public async Task A_missing_bucket_is_NoSuchBucket()
    {
        using var store = new S3ObjectStore(bucket.StoreOptions with { Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8] });
        Assert.Equal(StorageErrorKind.NoSuchBucket, (await Assert.ThrowsAsync<StorageException>(() => store.ProbeAsync())).Kind);
        Assert.Equal(StorageErrorKind.NoSuchBucket, (await Assert.ThrowsAsync<StorageException>(() => store.ReadAsync("k", 0, new byte[1]))).Kind);
        Assert.Equal(StorageErrorKind.NoSuchBucket,
            (await Assert.ThrowsAsync<StorageException>(() => store.UploadAsync("k", new MemoryStream([1]), 1, ObjectWriteOptions.Empty))).Kind);
    }

    [Fact]
    public async Task CreateBucketIfMissing_creates_once_and_then_is_a_no_op()
    {
        var name = "t-created-" + Guid.NewGuid().ToString("N")[..8];
        using var store = new S3ObjectStore(bucket.StoreOptions with { Bucket = name });
        await store.CreateBucketIfMissingAsync();
        await store.CreateBucketIfMissingAsync();
        await store.UploadAsync("k", new MemoryStream([1]), 1, ObjectWriteOptions.Empty);
        await store.DeleteAsync("k");
        await bucket.Client.DeleteBucketAsync(name);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_Unavailable_within_the_retry_budget()
    {
        var closedPort = ClosedPort();
        using var store = new S3ObjectStore(bucket.StoreOptions.Fast() with
        {
            Endpoint = new Uri($"http://127.0.0.1:{closedPort}/"), RequestTimeout = TimeSpan.FromSeconds(1), MaxRetries = 2,
        });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StorageException>(() => store.HeadAsync("k"));

        Assert.Equal(StorageErrorKind.Unavailable, error.Kind);
        Assert.Equal(2, store.RetryCount);
        Assert.True(clock.Elapsed < store.WorstCaseFailureTime, $"took {clock.Elapsed}");
        Assert.Contains("after 3 attempts", error.Message);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_Unavailable_after_RequestTimeout_per_attempt()
    {
        await using var proxy = new FaultProxy(bucket.Gateway.Endpoint) { Rule = _ => Fault.Hang };
        using var store = new S3ObjectStore(bucket.StoreOptions.Fast() with
        {
            Endpoint = proxy.Endpoint, RequestTimeout = TimeSpan.FromMilliseconds(700), MaxRetries = 1,
        });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StorageException>(() => store.ReadAsync("k", 0, new byte[10]));

        Assert.Equal(StorageErrorKind.Unavailable, error.Kind);
        Assert.Equal(2, proxy.Requests.Count);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.4), store.WorstCaseFailureTime + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_retried()
    {
        await using var proxy = new FaultProxy(bucket.Gateway.Endpoint) { Rule = _ => Fault.Hang };
        using var store = new S3ObjectStore(bucket.StoreOptions with { Endpoint = proxy.Endpoint });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.HeadAsync("k", cancel.Token));
        Assert.Equal(0, store.RetryCount);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
