using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.S3.Model;
using Xunit.Abstractions;

namespace SharedFs.FileSystem.Tests;

/// <summary>
/// A file above the multipart threshold, streamed (never held in memory): same SHA-256 through the mount and in
/// the bucket, and random writes into its middle land right (composed on the server, not re-sent whole).
/// </summary>
public sealed class BigFileTests(MountedBucket fs, ITestOutputHelper output) : IClassFixture<MountedBucket>
{
    private const long Size = 300L << 20;
    private const int Block = 1 << 20;

    /// <summary>Deterministic content: block i is seeded by i, so the expected bytes can be regenerated.</summary>
    private static void FillBlock(long index, Span<byte> block) => new Random((int)index * 7919 + 1).NextBytes(block);

    private static byte[] HashOfPattern(long size, IReadOnlyList<(long Offset, byte[] Data)> patches)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[Block];
        for (long offset = 0; offset < size; offset += Block)
        {
            var length = (int)Math.Min(Block, size - offset);
            if (offset < Size) FillBlock(offset / Block, block); else Array.Clear(block);
            foreach (var (at, data) in patches)
            {
                var start = Math.Max(at, offset);
                var end = Math.Min(at + data.Length, offset + length);
                if (start < end) data.AsSpan((int)(start - at), (int)(end - start)).CopyTo(block.AsSpan((int)(start - offset)));
            }
            hash.AppendData(block, 0, length);
        }
        return hash.GetHashAndReset();
    }

    private static async Task<byte[]> HashOfStreamAsync(Stream stream)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[Block];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) hash.AppendData(buffer, 0, n);
        return hash.GetHashAndReset();
    }

    private async Task<byte[]> HashInBucketAsync(string key)
    {
        using var response = await fs.Bucket.Client.GetObjectAsync(new GetObjectRequest { BucketName = fs.Bucket.Name, Key = key });
        return await HashOfStreamAsync(response.ResponseStream);
    }

    private static void DropPageCache()
    {
        try { File.WriteAllText("/proc/sys/vm/drop_caches", "1"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task A_300_MiB_file_round_trips_and_random_writes_into_it_are_right()
    {
        var path = fs.PathOf("big.bin");
        var expected = HashOfPattern(Size, []);

        var watch = Stopwatch.StartNew();
        await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0))
        {
            var block = new byte[Block];
            for (long i = 0; i < Size / Block; i++)
            {
                FillBlock(i, block);
                await stream.WriteAsync(block);
            }
            output.WriteLine($"write() calls: {watch.Elapsed.TotalSeconds:F1} s, then fsync() uploads");
            stream.Flush(flushToDisk: true);
        }
        var writeSeconds = watch.Elapsed.TotalSeconds;
        Assert.Equal(Size, new FileInfo(path).Length);
        Assert.Equal(expected, await HashInBucketAsync("big.bin"));

        DropPageCache();
        watch.Restart();
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0))
            Assert.Equal(expected, await HashOfStreamAsync(stream));
        var readSeconds = watch.Elapsed.TotalSeconds;
        output.WriteLine($"write+fsync {Size >> 20} MiB: {writeSeconds:F1} s = {(Size >> 20) / writeSeconds:F0} MiB/s; " +
                         $"read: {readSeconds:F1} s = {(Size >> 20) / readSeconds:F0} MiB/s");

        var patches = new List<(long, byte[])>
        {
            (1000, RandomNumberGenerator.GetBytes(10)),
            (100L * Block + 12345, RandomNumberGenerator.GetBytes(64 * 1024)),
            (200L * Block - 7, RandomNumberGenerator.GetBytes(Block + 100)),
            (Size, RandomNumberGenerator.GetBytes(500 * 1024)), // append
        };
        watch.Restart();
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 0))
        {
            foreach (var (offset, data) in patches)
            {
                stream.Position = offset;
                await stream.WriteAsync(data);
            }
            // Read back inside the open file: the staged bytes and the fetched untouched ones.
            var check = new byte[20];
            stream.Position = 995;
            await stream.ReadExactlyAsync(check);
            Assert.Equal(((byte[])patches[0].Item2), check[5..15]);
            stream.Flush(flushToDisk: true);
        }
        var patchSeconds = watch.Elapsed.TotalSeconds;
        output.WriteLine($"4 random writes + fsync of the {Size >> 20} MiB file: {patchSeconds:F1} s");
        var newSize = Size + 500 * 1024;
        var expectedPatched = HashOfPattern(newSize, patches);
        Assert.Equal(expectedPatched, await HashInBucketAsync("big.bin"));
        DropPageCache();
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0))
            Assert.Equal(expectedPatched, await HashOfStreamAsync(stream));
        Assert.Empty(Directory.GetFiles(fs.Folder.Combine("staging")));
    }
}
