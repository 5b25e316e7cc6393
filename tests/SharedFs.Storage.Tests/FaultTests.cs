using Amazon.S3.Model;
using SharedFs.TestSupport;

namespace SharedFs.Storage.Tests;

/// <summary>Transient failures are retried; servers lacking an operation get the fallback.</summary>
public sealed class FaultTests(TestBucket bucket) : IClassFixture<TestBucket>, IAsyncLifetime
{
    private FaultProxy _proxy = null!;

    public Task InitializeAsync()
    {
        _proxy = new FaultProxy(bucket.Gateway.Endpoint);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private S3ObjectStore Store(Func<S3StoreOptions, S3StoreOptions>? adjust = null) =>
        new((adjust ?? (o => o))(bucket.StoreOptions.Fast() with { Endpoint = _proxy.Endpoint }));

    [Theory]
    [InlineData(Fault.SlowDown, 6)]
    [InlineData(Fault.Reset, 6)]
    [InlineData(Fault.Truncate, 2)] // only the GET has a body longer than the cut
    public async Task Transient_failures_of_the_first_requests_are_retried(Fault fault, int expectedRetries)
    {
        var data = TestData.Random(3 * TestData.MiB, seed: 20);
        var key = $"transient/{fault}";
        using var store = Store();

        _proxy.Rule = FaultProxy.FirstN(2, fault, r => r.Method == "PUT");
        await store.UploadAsync(key, new MemoryStream(data), data.Length, ObjectWriteOptions.Empty);
        _proxy.Rule = FaultProxy.FirstN(2, fault, r => r.Method == "GET");
        var buffer = new byte[data.Length];
        Assert.Equal(data.Length, await store.ReadAsync(key, 0, buffer));
        _proxy.Rule = FaultProxy.FirstN(2, fault);
        Assert.NotNull(await store.HeadAsync(key));

        Assert.Equal(data, buffer);
        Assert.Equal(data, await TestData.GetBytesAsync(bucket.Client, bucket.Name, key));
        Assert.Equal(expectedRetries, store.RetryCount);
    }

    [Fact]
    public async Task Failing_parts_of_a_multipart_transfer_are_retried_alone()
    {
        var data = TestData.Random(24 * TestData.MiB, seed: 21);
        using var store = Store(o => o with { MultipartThreshold = 8 * TestData.MiB, PartSize = 5 * TestData.MiB });

        _proxy.Rule = FaultProxy.FirstN(3, Fault.Reset, r => r.IsUploadPart);
        await store.UploadAsync("transient/multipart", new MemoryStream(data), data.Length, ObjectWriteOptions.Empty);
        _proxy.Rule = FaultProxy.FirstN(3, Fault.Truncate, r => r.Method == "GET");
        using var destination = new MemoryStream();
        await store.DownloadAsync("transient/multipart", destination);

        Assert.Equal(TestData.Sha256(data), TestData.Sha256(destination.ToArray()));
        Assert.Equal(TestData.Sha256(data), TestData.Sha256(await TestData.GetBytesAsync(bucket.Client, bucket.Name, "transient/multipart")));
        Assert.Equal(6, store.RetryCount);
    }

    [Fact]
    public async Task A_server_that_keeps_failing_is_Unavailable_after_MaxRetries()
    {
        using var store = Store(o => o with { MaxRetries = 3 });
        _proxy.Rule = _ => Fault.SlowDown;

        var error = await Assert.ThrowsAsync<StorageException>(() => store.HeadAsync("anything"));

        Assert.Equal(StorageErrorKind.Unavailable, error.Kind);
        Assert.Equal(4, _proxy.Requests.Count);
    }

    [Fact]
    public async Task A_failed_multipart_upload_is_aborted()
    {
        var data = TestData.Random(12 * TestData.MiB, seed: 22);
        using var store = Store(o => o with { MultipartThreshold = 5 * TestData.MiB, PartSize = 5 * TestData.MiB });
        _proxy.Rule = r => r.IsUploadPart && r.Query.Contains("partNumber=2") ? Fault.NotImplemented : Fault.None;

        var error = await Assert.ThrowsAsync<StorageException>(() =>
            store.UploadAsync("aborted", new MemoryStream(data), data.Length, ObjectWriteOptions.Empty));

        Assert.Equal(StorageErrorKind.NotImplemented, error.Kind);
        Assert.Contains(_proxy.Requests, r => r.Method == "DELETE" && r.HasQueryParameter("uploadId"));
        var uploads = await bucket.Client.ListMultipartUploadsAsync(bucket.Name);
        Assert.DoesNotContain(uploads.MultipartUploads ?? [], u => u.Key == "aborted");
        Assert.Null(await store.HeadAsync("aborted"));
    }

    [Fact]
    public async Task Delete_many_goes_one_by_one_when_DeleteObjects_is_not_implemented()
    {
        var keys = Enumerable.Range(0, 30).Select(i => $"nobatch/{i}").ToList();
        foreach (var key in keys) await bucket.PutTextAsync(key, "x");
        using var store = Store();
        _proxy.Rule = r => r.IsDeleteObjects ? Fault.NotImplemented : Fault.None;

        await store.DeleteManyAsync(keys.Take(20).ToList());
        await store.DeleteManyAsync(keys.Skip(20).ToList());

        Assert.Empty(await bucket.ListKeysAsync("nobatch/"));
        Assert.Equal(1, _proxy.Requests.Count(r => r.IsDeleteObjects)); // remembered after the first refusal
        Assert.Equal(30, _proxy.Requests.Count(r => r.Method == "DELETE"));
    }

    [Fact]
    public async Task Listing_falls_back_to_V1_with_markers_when_V2_is_not_implemented()
    {
        var keys = Enumerable.Range(0, 25).Select(i => $"v1/{i:D2}").Concat(["v1/dir/a", "v1/dir/b", "v1/zdir/c"]).ToList();
        await Parallel.ForEachAsync(keys, async (key, token) =>
            await bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = key, ContentBody = "x" }, token));
        using var store = Store();
        _proxy.Rule = r => r.IsListV2 ? Fault.NotImplemented : Fault.None;

        var flat = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListPageAsync("v1/", null, token, maxKeys: 10);
            flat.AddRange(page.Objects.Select(o => o.Key));
            token = page.NextContinuationToken;
        } while (token is not null);

        var objects = new List<string>();
        var prefixes = new List<string>();
        await foreach (var page in store.ListAllAsync("v1/", "/"))
        {
            objects.AddRange(page.Objects.Select(o => o.Key));
            prefixes.AddRange(page.CommonPrefixes);
        }
        token = null;
        var delimitedPaged = new List<string>();
        do
        {
            var page = await store.ListPageAsync("v1/", "/", token, maxKeys: 7);
            delimitedPaged.AddRange(page.Objects.Select(o => o.Key).Concat(page.CommonPrefixes));
            token = page.NextContinuationToken;
        } while (token is not null);

        Assert.Equal(keys.Order(StringComparer.Ordinal), flat);
        Assert.Equal(keys.Take(25), objects);
        Assert.Equal(["v1/dir/", "v1/zdir/"], prefixes);
        Assert.Equal(objects.Concat(prefixes).Order(StringComparer.Ordinal), delimitedPaged.Order(StringComparer.Ordinal));
        Assert.Equal(delimitedPaged.Count, delimitedPaged.Distinct().Count());
        Assert.Equal(1, _proxy.Requests.Count(r => r.IsListV2));
    }
}
