using System.Diagnostics;
using Amazon.S3.Model;
using SharedFs.TestSupport;
using Xunit.Abstractions;

namespace SharedFs.Storage.Tests;

/// <summary>Uploads, downloads and copies; the bytes that land are read back with the plain AWSSDK client.</summary>
public sealed class TransferTests(TestBucket bucket, ITestOutputHelper output) : IClassFixture<TestBucket>
{
    private static readonly ObjectWriteOptions FileMetadata =
        new(new Dictionary<string, string> { ["mode"] = "33188", ["Uid"] = "1000" }, "application/octet-stream");

    /// <summary>16 MiB parts and threshold so that 80 MiB makes five parts quickly.</summary>
    private S3StoreOptions MultipartOptions => bucket.StoreOptions with
    {
        MultipartThreshold = 16 * TestData.MiB, PartSize = 16 * TestData.MiB, Parallelism = 4,
    };

    [Fact]
    public async Task Small_upload_is_one_put_with_metadata_and_content_type()
    {
        var data = TestData.Random(300_000, seed: 2);
        using var store = new S3ObjectStore(bucket.StoreOptions);

        var info = await store.UploadAsync("small", new MemoryStream(data), data.Length, FileMetadata);

        Assert.Equal(data.Length, info.Size);
        Assert.Equal(data, await TestData.GetBytesAsync(bucket.Client, bucket.Name, "small"));
        var head = await bucket.Client.GetObjectMetadataAsync(bucket.Name, "small");
        Assert.Equal("application/octet-stream", head.Headers.ContentType);
        Assert.Equal("33188", head.Metadata["x-amz-meta-mode"]);
        Assert.Equal("1000", head.Metadata["x-amz-meta-uid"]);
        Assert.Equal(head.ETag, info.ETag);
    }

    [Fact]
    public async Task Upload_takes_exactly_length_bytes_from_a_longer_stream()
    {
        var data = TestData.Random(10_000, seed: 3);
        using var store = new S3ObjectStore(bucket.StoreOptions);
        await store.UploadAsync("prefix-only", new MemoryStream(data), 4000, ObjectWriteOptions.Empty);
        Assert.Equal(data[..4000], await TestData.GetBytesAsync(bucket.Client, bucket.Name, "prefix-only"));
    }

    [Fact]
    public async Task Large_upload_and_download_go_in_parallel_parts_and_keep_every_byte()
    {
        var data = TestData.Random(80 * TestData.MiB + 12345, seed: 4);
        using var store = new S3ObjectStore(MultipartOptions);

        var clock = Stopwatch.StartNew();
        var info = await store.UploadAsync("large", new MemoryStream(data), data.Length, FileMetadata);
        var uploadTime = clock.Elapsed;

        Assert.Equal(data.Length, info.Size);
        Assert.EndsWith("-6\"", info.ETag); // multipart ETag: six parts
        var landed = await TestData.GetBytesAsync(bucket.Client, bucket.Name, "large");
        Assert.Equal(TestData.Sha256(data), TestData.Sha256(landed));
        var head = await store.HeadAsync("large");
        Assert.Equal("33188", head!.Metadata["mode"]);

        clock.Restart();
        using var destination = new MemoryStream();
        var downloaded = await store.DownloadAsync("large", destination);
        var downloadTime = clock.Elapsed;
        Assert.Equal(data.Length, downloaded.Size);
        Assert.Equal(TestData.Sha256(data), TestData.Sha256(destination.ToArray()));

        var mb = data.Length / 1e6;
        output.WriteLine($"upload {mb:0} MB in {uploadTime.TotalSeconds:0.00} s = {mb / uploadTime.TotalSeconds:0} MB/s; " +
                         $"download in {downloadTime.TotalSeconds:0.00} s = {mb / downloadTime.TotalSeconds:0} MB/s");
    }

    [Fact]
    public async Task Download_from_an_offset_streams_the_rest()
    {
        var data = TestData.Random(20 * TestData.MiB, seed: 5);
        await bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = "offset", InputStream = new MemoryStream(data) });
        using var store = new S3ObjectStore(bucket.StoreOptions with { PartSize = 5 * TestData.MiB });

        using var destination = new MemoryStream();
        var info = await store.DownloadAsync("offset", destination, offset: 7_654_321);

        Assert.Equal(data.Length, info.Size);
        Assert.Equal(TestData.Sha256(data.AsSpan(7_654_321)), TestData.Sha256(destination.ToArray()));

        using var nothing = new MemoryStream();
        Assert.Equal(data.Length, (await store.DownloadAsync("offset", nothing, offset: data.Length)).Size);
        Assert.Equal(0, nothing.Length);
    }

    [Fact]
    public async Task Copy_keeps_metadata_or_replaces_it()
    {
        await bucket.PutTextAsync("copy/source", "copied text", new Dictionary<string, string> { ["mode"] = "420", ["keep"] = "yes" });
        using var store = new S3ObjectStore(bucket.StoreOptions);

        var kept = await store.CopyAsync("copy/source", "copy/kept");
        var replaced = await store.CopyAsync("copy/source", "copy/replaced",
            new ObjectWriteOptions(new Dictionary<string, string> { ["mode"] = "384" }, "text/plain"));

        Assert.Equal("copied text", await bucket.GetTextAsync("copy/kept"));
        Assert.Equal("copied text", await bucket.GetTextAsync("copy/replaced"));
        Assert.Equal(11, kept.Size);
        var keptHead = await store.HeadAsync("copy/kept");
        Assert.Equal("420", keptHead!.Metadata["mode"]);
        Assert.Equal("yes", keptHead.Metadata["keep"]);
        var replacedHead = await store.HeadAsync("copy/replaced");
        Assert.Equal("384", replacedHead!.Metadata["mode"]);
        Assert.False(replacedHead.Metadata.ContainsKey("keep"));
        Assert.Equal("text/plain", replacedHead.ContentType);
        Assert.Equal("384", replaced.Metadata["mode"]);
    }

    [Fact]
    public async Task Copy_above_the_threshold_goes_part_by_part_on_the_server()
    {
        var data = TestData.Random(23 * TestData.MiB, seed: 6);
        await bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = "bigcopy/source", InputStream = new MemoryStream(data) });
        await using var proxy = new FaultProxy(bucket.Gateway.Endpoint);
        using var store = new S3ObjectStore(bucket.StoreOptions with
        {
            Endpoint = proxy.Endpoint, MultipartCopyThreshold = 10 * TestData.MiB, CopyPartSize = 10 * TestData.MiB,
        });

        var info = await store.CopyAsync("bigcopy/source", "bigcopy/copy", new ObjectWriteOptions(new Dictionary<string, string> { ["mode"] = "1" }));

        Assert.Equal(data.Length, info.Size);
        Assert.Equal(3, proxy.Requests.Count(r => r.IsUploadPartCopy));
        Assert.Equal(TestData.Sha256(data), TestData.Sha256(await TestData.GetBytesAsync(bucket.Client, bucket.Name, "bigcopy/copy")));
        Assert.Equal("1", (await store.HeadAsync("bigcopy/copy"))!.Metadata["mode"]);
    }

    [Fact]
    public async Task Copy_of_a_missing_source_is_NotFound()
    {
        using var store = new S3ObjectStore(bucket.StoreOptions);
        var error = await Assert.ThrowsAsync<StorageException>(() => store.CopyAsync("nothing-here", "x"));
        Assert.Equal(StorageErrorKind.NotFound, error.Kind);
    }
}
