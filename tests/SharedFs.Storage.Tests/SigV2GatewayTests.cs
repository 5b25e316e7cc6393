using System.Text;
using SharedFs.TestSupport;

namespace SharedFs.Storage.Tests;

/// <summary>
/// Every operation of the store signed with SigV2 against the real gateway, which checks V2 signatures: put, ranged
/// get, head, listings with prefixes and continuation, copy, multipart upload, compose with UploadPartCopy, batch
/// delete, odd keys. A FaultProxy without faults sits in between to show that every request carried a V2
/// signature and no SigV4 payload hash. Bytes are checked with the AWSSDK reference client.
/// </summary>
public sealed class SigV2GatewayTests(TestBucket bucket) : IClassFixture<TestBucket>, IAsyncLifetime
{
    private const int MiB = TestData.MiB;
    private FaultProxy _proxy = null!;
    private S3ObjectStore _store = null!;

    public Task InitializeAsync()
    {
        _proxy = new FaultProxy(bucket.Gateway.Endpoint);
        _store = new S3ObjectStore(bucket.StoreOptions.Fast() with
        {
            Endpoint = _proxy.Endpoint,
            Signature = SignatureVersion.V2,
            MultipartThreshold = 5 * MiB, PartSize = 5 * MiB,
            MultipartCopyThreshold = 5 * MiB, CopyPartSize = 5 * MiB,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _proxy.DisposeAsync();
    }

    /// <summary>Every request went out V2-signed and none was refused and retried.</summary>
    private void AssertEveryRequestWasSignedWithV2()
    {
        Assert.NotEmpty(_proxy.Requests);
        Assert.All(_proxy.Requests, r =>
        {
            Assert.StartsWith($"AWS {bucket.Gateway.AccessKey}:", r.Headers["authorization"]);
            Assert.False(r.Headers.ContainsKey("x-amz-content-sha256"), $"{r.Method} {r.Target} carries a SigV4 payload hash");
        });
        Assert.Equal(0, _store.RetryCount);
    }

    private static ObjectWriteOptions Mode(string mode, string? contentType = null) =>
        new(new Dictionary<string, string> { ["mode"] = mode }, contentType);

    [Fact]
    public async Task Put_ranged_get_head_download_and_copy_work_with_v2()
    {
        var content = TestData.Random(100_000, seed: 201);
        await _store.UploadAsync("v2/object.bin", new MemoryStream(content), content.Length, Mode("33188", "text/plain; charset=utf-8"));

        var range = new byte[1000];
        Assert.Equal(1000, await _store.ReadAsync("v2/object.bin", 5000, range));
        Assert.Equal(content.AsSpan(5000, 1000).ToArray(), range);
        var first = await _store.ReadFirstBytesAsync("v2/object.bin", new byte[64]);
        Assert.Equal(content.Length, first.Info!.Size);
        var head = await _store.HeadAsync("v2/object.bin");
        Assert.Equal("33188", head!.Metadata["mode"]);
        Assert.Equal("text/plain; charset=utf-8", head.ContentType);
        Assert.Null(await _store.HeadAsync("v2/missing"));
        var downloaded = new MemoryStream();
        await _store.DownloadAsync("v2/object.bin", downloaded);
        Assert.Equal(TestData.Sha256(content), TestData.Sha256(downloaded.ToArray()));

        // COPY keeps the metadata; REPLACE signs the new content type and metadata.
        await _store.CopyAsync("v2/object.bin", "v2/copied.bin");
        await _store.CopyAsync("v2/object.bin", "v2/replaced.bin", Mode("33261", "application/octet-stream"));
        Assert.Equal("33188", (await _store.HeadAsync("v2/copied.bin"))!.Metadata["mode"]);
        var replaced = await _store.HeadAsync("v2/replaced.bin");
        Assert.Equal(("33261", "application/octet-stream"), (replaced!.Metadata["mode"], replaced.ContentType));
        Assert.Equal(TestData.Sha256(content), TestData.Sha256(await TestData.GetBytesAsync(bucket.Client, bucket.Name, "v2/replaced.bin")));
        await _store.DeleteAsync("v2/copied.bin");
        Assert.Null(await _store.HeadAsync("v2/copied.bin"));
        AssertEveryRequestWasSignedWithV2();
    }

    public static TheoryData<string> OddKeys() =>
    [
        "odd/with space.txt", "odd/unicodé ü €/日本.txt", "odd/plus+sign", "odd/100%.txt", "odd/100%25 literal", "odd/what?.txt",
        "odd/hash#tag", "odd/semi;colon,comma", "odd/amp&and=equals", "odd/tilde~quote'paren()", "odd/star*bang!at@dollar$",
        "odd/double//slash", "odd/trailing space ",
    ];

    [Theory]
    [MemberData(nameof(OddKeys))]
    public async Task Odd_keys_round_trip_with_v2(string key)
    {
        var content = Encoding.UTF8.GetBytes("content of " + key);
        await _store.UploadAsync(key, new MemoryStream(content), content.Length, Mode("33188"));

        Assert.Equal(content, await TestData.GetBytesAsync(bucket.Client, bucket.Name, key));
        Assert.Equal(content.Length, (await _store.HeadAsync(key))!.Size);
        var read = new byte[content.Length];
        Assert.Equal(content.Length, await _store.ReadAsync(key, 0, read));
        Assert.Equal(content, read);
        var page = await _store.ListPageAsync(key, null, null);
        Assert.Contains(key, page.Objects.Select(o => o.Key));
        await _store.CopyAsync(key, key + " copy");
        Assert.Equal(content, await TestData.GetBytesAsync(bucket.Client, bucket.Name, key + " copy"));
        await _store.DeleteManyAsync([key + " copy"]);
        await _store.DeleteAsync(key);
        Assert.Null(await _store.HeadAsync(key));
        Assert.Null(await _store.HeadAsync(key + " copy"));
        AssertEveryRequestWasSignedWithV2();
    }

    [Fact]
    public async Task Listings_follow_prefixes_and_continuation_with_v2()
    {
        string[] keys = ["list/a.txt", "list/b c.txt", "list/d+e/f.txt", "list/d+e/g.txt", "list/h%i/j.txt", "list/k.txt", "list/ü/l.txt"];
        foreach (var key in keys) await bucket.PutTextAsync(key, key);

        var top = await _store.ListPageAsync("list/", "/", null);
        Assert.Equal(["list/a.txt", "list/b c.txt", "list/k.txt"], top.Objects.Select(o => o.Key));
        Assert.Equal(["list/d+e/", "list/h%i/", "list/ü/"], top.CommonPrefixes);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _store.ListPageAsync("list/", null, token, maxKeys: 2);
            seen.AddRange(page.Objects.Select(o => o.Key));
            token = page.NextContinuationToken;
            pages++;
        } while (token is not null);
        Assert.Equal(keys.Order(StringComparer.Ordinal), seen);
        Assert.Equal(4, pages);

        var all = new List<string>();
        await foreach (var page in _store.ListAllAsync("list/d+e/", "/")) all.AddRange(page.Objects.Select(o => o.Key));
        Assert.Equal(["list/d+e/f.txt", "list/d+e/g.txt"], all);
        AssertEveryRequestWasSignedWithV2();
    }

    [Fact]
    public async Task Multipart_uploads_part_copies_and_compose_work_with_v2()
    {
        var big = TestData.Random(11 * MiB, seed: 202);
        await _store.UploadAsync("mp/big file+.bin", new MemoryStream(big), big.Length, Mode("33188"));
        Assert.Equal(3, _proxy.Requests.Count(r => r.IsUploadPart));
        Assert.Equal(TestData.Sha256(big), TestData.Sha256(await TestData.GetBytesAsync(bucket.Client, bucket.Name, "mp/big file+.bin")));

        // Parts driven by the caller, as the filesystem streams a big file.
        var uploadId = await _store.StartPartsAsync("mp/streamed ü.bin", Mode("33261"));
        var first = await _store.UploadPartAsync("mp/streamed ü.bin", uploadId, 1, new MemoryStream(big, 0, 5 * MiB), 5 * MiB);
        var second = await _store.UploadPartAsync("mp/streamed ü.bin", uploadId, 2, new MemoryStream(big, 5 * MiB, 6 * MiB), 6 * MiB);
        await _store.CompletePartsAsync("mp/streamed ü.bin", uploadId, [first, second], big.Length, Mode("33261"));
        Assert.Equal(TestData.Sha256(big), TestData.Sha256(await TestData.GetBytesAsync(bucket.Client, bucket.Name, "mp/streamed ü.bin")));
        var abandoned = await _store.StartPartsAsync("mp/abandoned", ObjectWriteOptions.Empty);
        await _store.AbortPartsAsync("mp/abandoned", abandoned);

        // A multipart copy (above MultipartCopyThreshold) and a compose that copies ranges on the server.
        await _store.CopyAsync("mp/big file+.bin", "mp/copied#1.bin");
        Assert.Equal(TestData.Sha256(big), TestData.Sha256(await TestData.GetBytesAsync(bucket.Client, bucket.Name, "mp/copied#1.bin")));
        var patch = TestData.Random(MiB, seed: 203);
        await _store.ComposeAsync("mp/big file+.bin",
        [
            new ObjectPiece.Copied("mp/big file+.bin", 0, 5 * MiB),
            new ObjectPiece.Local(new MemoryStream(patch), 0, MiB),
            new ObjectPiece.Copied("mp/big file+.bin", 6 * MiB, 5 * MiB),
        ], Mode("33188"));
        var expected = big.ToArray();
        patch.CopyTo(expected, 5 * MiB);
        Assert.Equal(TestData.Sha256(expected), TestData.Sha256(await TestData.GetBytesAsync(bucket.Client, bucket.Name, "mp/big file+.bin")));
        Assert.True(_proxy.Requests.Count(r => r.IsUploadPartCopy) >= 4, "the copy and the compose used UploadPartCopy");
        AssertEveryRequestWasSignedWithV2();
    }

    [Fact]
    public async Task Delete_many_removes_every_key_with_v2()
    {
        var keys = Enumerable.Range(0, 30).Select(i => $"many/{i} key+ü%?#.txt").ToList();
        foreach (var key in keys) await bucket.PutTextAsync(key, "x");

        await _store.DeleteManyAsync([.. keys, "many/never-existed"]);

        Assert.Empty(await bucket.ListKeysAsync("many/"));
        Assert.Single(_proxy.Requests, r => r.IsDeleteObjects);
        AssertEveryRequestWasSignedWithV2();
    }

    [Fact]
    public async Task A_wrong_secret_is_InvalidCredentials_with_v2_and_never_shown()
    {
        const string wrongSecret = "not-the-v2-secret-0123456789";
        using var store = new S3ObjectStore(bucket.StoreOptions with { SecretAccessKey = wrongSecret, Signature = SignatureVersion.V2 });
        var error = await Assert.ThrowsAsync<StorageException>(() => store.ProbeAsync());
        Assert.Equal(StorageErrorKind.InvalidCredentials, error.Kind);
        Assert.DoesNotContain(wrongSecret, error.ToString());
        Assert.Equal(0, store.RetryCount);
    }
}
