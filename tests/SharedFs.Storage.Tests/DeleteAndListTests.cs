using Amazon.S3.Model;
using SharedFs.TestSupport;

namespace SharedFs.Storage.Tests;

/// <summary>Deletion and listings; 2500 keys are shared by the tests of this class (one bucket).</summary>
public sealed class DeleteAndListTests(DeleteAndListTests.ManyKeysBucket fixture) : IClassFixture<DeleteAndListTests.ManyKeysBucket>
{
    private TestBucket Bucket => fixture.Bucket;

    /// <summary>A bucket with 2500 keys under "many/", written once in parallel with the plain client.</summary>
    public sealed class ManyKeysBucket : IAsyncLifetime
    {
        public TestBucket Bucket { get; } = new();
        public List<string> Keys { get; } = Enumerable.Range(0, 2500).Select(i => $"many/{i * 7919 % 2500:D5}").ToList();

        public async Task InitializeAsync()
        {
            await Bucket.InitializeAsync();
            await Parallel.ForEachAsync(Keys, new ParallelOptions { MaxDegreeOfParallelism = 32 },
                async (key, token) => await Bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket.Name, Key = key, ContentBody = key }, token));
        }

        public Task DisposeAsync() => Bucket.DisposeAsync();
    }

    [Fact]
    public async Task Pagination_over_2500_keys_is_in_byte_order_with_1000_per_page()
    {
        using var store = new S3ObjectStore(Bucket.StoreOptions);
        var pages = new List<ListPage>();
        await foreach (var page in store.ListAllAsync("many/", null))
            pages.Add(page);

        Assert.Equal([1000, 1000, 500], pages.Select(p => p.Objects.Count));
        Assert.Null(pages[^1].NextContinuationToken);
        var keys = pages.SelectMany(p => p.Objects).Select(o => o.Key).ToList();
        Assert.Equal(fixture.Keys.Order(StringComparer.Ordinal), keys);
        Assert.All(pages.SelectMany(p => p.Objects), o => Assert.Equal(10, o.Size));
    }

    [Fact]
    public async Task List_with_a_delimiter_gives_objects_and_common_prefixes()
    {
        foreach (var key in new[] { "tree/a.txt", "tree/b/1", "tree/b/2", "tree/c/d/e", "tree/z" })
            await Bucket.PutTextAsync(key, "x");
        using var store = new S3ObjectStore(Bucket.StoreOptions);

        var page = await store.ListPageAsync("tree/", "/", null);

        Assert.Equal(["tree/a.txt", "tree/z"], page.Objects.Select(o => o.Key));
        Assert.Equal(["tree/b/", "tree/c/"], page.CommonPrefixes);
        Assert.Null(page.NextContinuationToken);
    }

    [Fact]
    public async Task Keys_with_spaces_unicode_and_reserved_characters_round_trip()
    {
        string[] keys = ["odd/with space", "odd/ünïcødé ✓", "odd/100%", "odd/a+b", "odd/what?", "odd/#hash", "odd/&=;,", "odd/tilde~"];
        using var store = new S3ObjectStore(Bucket.StoreOptions);
        foreach (var key in keys)
            await store.UploadAsync(key, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(key)), System.Text.Encoding.UTF8.GetByteCount(key), ObjectWriteOptions.Empty);

        var listed = (await store.ListPageAsync("odd/", "/", null)).Objects.Select(o => o.Key).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), listed);
        foreach (var key in keys)
        {
            Assert.Equal(key, await Bucket.GetTextAsync(key));
            Assert.NotNull(await store.HeadAsync(key));
            var buffer = new byte[100];
            Assert.Equal(key, System.Text.Encoding.UTF8.GetString(buffer, 0, await store.ReadAsync(key, 0, buffer)));
        }
        await store.CopyAsync(keys[3], "odd/copy of a+b");
        Assert.Equal(keys[3], await Bucket.GetTextAsync("odd/copy of a+b"));
        await store.DeleteManyAsync([.. keys, "odd/copy of a+b"]);
        Assert.Empty(await Bucket.ListKeysAsync("odd/"));
    }

    [Fact]
    public async Task Delete_of_a_present_and_a_missing_key()
    {
        await Bucket.PutTextAsync("del/one", "1");
        using var store = new S3ObjectStore(Bucket.StoreOptions);
        await store.DeleteAsync("del/one");
        await store.DeleteAsync("del/never-existed");
        Assert.Empty(await Bucket.ListKeysAsync("del/"));
    }

    [Fact]
    public async Task Delete_many_removes_2500_keys_in_batches()
    {
        var keys = Enumerable.Range(0, 2500).Select(i => $"bulk/{i:D5}").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (key, token) => await Bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket.Name, Key = key, ContentBody = "" }, token));
        await using var proxy = new FaultProxy(Bucket.Gateway.Endpoint);
        using var store = new S3ObjectStore(Bucket.StoreOptions with { Endpoint = proxy.Endpoint });

        await store.DeleteManyAsync([.. keys, "bulk/missing-is-fine"]);

        Assert.Empty(await Bucket.ListKeysAsync("bulk/"));
        Assert.Equal(3, proxy.Requests.Count(r => r.IsDeleteObjects));
    }
}
