using Amazon.S3.Model;
using SharedFs.TestSupport;

namespace SharedFs.Storage.Tests;

/// <summary>HEAD and ranged reads against the real gateway.</summary>
public sealed class ObjectReadTests(TestBucket bucket) : IClassFixture<TestBucket>
{
    [Fact]
    public async Task Head_returns_size_type_and_metadata_without_prefix_and_lower_case()
    {
        var request = new PutObjectRequest { BucketName = bucket.Name, Key = "head/file", ContentBody = "hello world", ContentType = "text/plain" };
        request.Metadata["Mode"] = "33188";
        request.Metadata["mtime"] = "1700000000.5";
        await bucket.Client.PutObjectAsync(request);
        using var store = new S3ObjectStore(bucket.StoreOptions);

        var info = await store.HeadAsync("head/file");

        Assert.NotNull(info);
        Assert.Equal("head/file", info.Key);
        Assert.Equal(11, info.Size);
        Assert.Equal("text/plain", info.ContentType);
        Assert.Equal("33188", info.Metadata["mode"]);
        Assert.Equal("1700000000.5", info.Metadata["mtime"]);
        Assert.Equal(2, info.Metadata.Count);
        Assert.False(string.IsNullOrEmpty(info.ETag));
        Assert.InRange(info.LastModified, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Head_of_a_missing_key_is_null()
    {
        using var store = new S3ObjectStore(bucket.StoreOptions);
        Assert.Null(await store.HeadAsync("no/such/key"));
    }

    [Fact]
    public async Task Ranged_reads_at_start_middle_end_and_past_the_end()
    {
        var data = TestData.Random(100_000, seed: 1);
        await bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = "ranges", InputStream = new MemoryStream(data) });
        using var store = new S3ObjectStore(bucket.StoreOptions);
        var buffer = new byte[4096];

        Assert.Equal(4096, await store.ReadAsync("ranges", 0, buffer));
        Assert.Equal(data.AsSpan(0, 4096).ToArray(), buffer);

        Assert.Equal(4096, await store.ReadAsync("ranges", 50_000, buffer));
        Assert.Equal(data.AsSpan(50_000, 4096).ToArray(), buffer);

        var tail = await store.ReadAsync("ranges", 100_000 - 1000, buffer);
        Assert.Equal(1000, tail);
        Assert.Equal(data.AsSpan(99_000).ToArray(), buffer.AsSpan(0, 1000).ToArray());

        Assert.Equal(0, await store.ReadAsync("ranges", 100_000, buffer));
        Assert.Equal(0, await store.ReadAsync("ranges", 5_000_000, buffer));
    }

    [Fact]
    public async Task Reads_of_an_empty_object_return_nothing()
    {
        await bucket.PutTextAsync("empty", "");
        using var store = new S3ObjectStore(bucket.StoreOptions);
        Assert.Equal(0, await store.ReadAsync("empty", 0, new byte[10]));
        using var destination = new MemoryStream();
        var info = await store.DownloadAsync("empty", destination);
        Assert.Equal(0, info.Size);
        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public async Task Reading_a_missing_key_is_NotFound()
    {
        using var store = new S3ObjectStore(bucket.StoreOptions);
        var error = await Assert.ThrowsAsync<StorageException>(() => store.ReadAsync("missing", 0, new byte[10]));
        Assert.Equal(StorageErrorKind.NotFound, error.Kind);
        error = await Assert.ThrowsAsync<StorageException>(() => store.DownloadAsync("missing", Stream.Null));
        Assert.Equal(StorageErrorKind.NotFound, error.Kind);
    }
}
