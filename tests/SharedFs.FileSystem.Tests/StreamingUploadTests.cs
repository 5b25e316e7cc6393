using System.Security.Cryptography;
using Amazon.S3.Model;
using SharedFs.TestSupport;

namespace SharedFs.FileSystem.Tests;

/// <summary>
/// A big file written from its start is uploaded part by part while it is still being written; a write into
/// what was sent, or an unlink, abandons that upload without leaving parts behind or a wrong object.
/// </summary>
[Collection(NoForksElsewhereCollection.Name)]
public sealed class StreamingUploadTests(MountedBucket fs) : IClassFixture<MountedBucket>
{
    private const int MiB = 1 << 20;

    private async Task<List<MultipartUpload>> UploadsInProgressAsync(string key) =>
        ((await fs.Bucket.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = fs.Bucket.Name, Prefix = key })).MultipartUploads ?? [])
        .Where(u => u.Key == key).ToList();

    private async Task<byte[]> HashInBucketAsync(string key)
    {
        using var response = await fs.Bucket.Client.GetObjectAsync(fs.Bucket.Name, key);
        return await SHA256.HashDataAsync(response.ResponseStream);
    }

    private async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60); // generous: a loaded gateway answers slowly
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                var all = (await fs.Bucket.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = fs.Bucket.Name })).MultipartUploads ?? [];
                Assert.Fail($"not within 60 s: {what} (uploads in progress: {string.Join(", ", all.Select(u => u.Key))}; keys: {string.Join(", ", await fs.Bucket.ListKeysAsync())})");
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_file_written_from_its_start_is_uploaded_while_it_is_written_with_its_final_mtime()
    {
        var data = RandomNumberGenerator.GetBytes(80 * MiB + 12345);
        var path = fs.PathOf("streamed.bin");
        await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0))
        {
            await stream.WriteAsync(data.AsMemory(0, 70 * MiB));
            // Two whole parts are written: the upload has begun although the file is still open.
            await EventuallyAsync(async () => (await UploadsInProgressAsync("streamed.bin")).Count == 1, "a multipart upload in progress");
            await Task.Delay(1100); // the last write's mtime must differ from the start's, to the second
            await stream.WriteAsync(data.AsMemory(70 * MiB));
        }
        var mtime = File.GetLastWriteTimeUtc(path);
        fs.Sync();
        Assert.Equal(SHA256.HashData(data), await HashInBucketAsync("streamed.bin"));
        Assert.Empty(await UploadsInProgressAsync("streamed.bin"));
        var head = await fs.HeadAsync("streamed.bin");
        var stored = double.Parse(head!.Metadata["mtime"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new DateTimeOffset(mtime).ToUnixTimeSeconds(), (long)stored);
    }

    [Fact]
    public async Task A_write_into_what_was_sent_abandons_the_upload_and_the_object_is_still_right()
    {
        var data = RandomNumberGenerator.GetBytes(90 * MiB);
        var path = fs.PathOf("rewritten.bin");
        await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0))
        {
            await stream.WriteAsync(data);
            await EventuallyAsync(async () => (await UploadsInProgressAsync("rewritten.bin")).Count == 1, "a multipart upload in progress");
            // A header rewritten at the end, as many formats do.
            var header = RandomNumberGenerator.GetBytes(4096);
            header.CopyTo(data, 100);
            stream.Position = 100;
            await stream.WriteAsync(header);
        }
        fs.Sync();
        Assert.Equal(SHA256.HashData(data), await HashInBucketAsync("rewritten.bin"));
        await EventuallyAsync(async () => (await UploadsInProgressAsync("rewritten.bin")).Count == 0, "the abandoned upload aborted");
    }

    [Fact]
    public async Task Unlinking_a_file_being_streamed_leaves_no_object_and_no_parts()
    {
        var path = fs.PathOf("doomed.bin");
        await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Delete, 0))
        {
            await stream.WriteAsync(RandomNumberGenerator.GetBytes(70 * MiB));
            await EventuallyAsync(async () => (await UploadsInProgressAsync("doomed.bin")).Count == 1, "a multipart upload in progress");
            File.Delete(path);
        }
        fs.Sync();
        Assert.Null(await fs.HeadAsync("doomed.bin"));
        await EventuallyAsync(async () => (await UploadsInProgressAsync("doomed.bin")).Count == 0, "the abandoned upload aborted");
    }
}
