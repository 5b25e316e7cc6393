using System.Security.Cryptography;

namespace SharedFs.FileSystem.Tests;

/// <summary>Callbacks run concurrently: many writers and readers at once must not mix up files.</summary>
public sealed class ConcurrencyTests(MountedBucket fs) : IClassFixture<MountedBucket>
{
    [Fact]
    public async Task Parallel_writers_and_readers_keep_every_file_intact()
    {
        Directory.CreateDirectory(fs.PathOf("parallel"));
        var contents = new System.Collections.Concurrent.ConcurrentDictionary<string, byte[]>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 64), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var data = RandomNumberGenerator.GetBytes(i % 8 == 0 ? 3 * 1024 * 1024 + i : 1000 * i + 1);
            var name = $"parallel/f{i}";
            // Written in pieces, out of order, like a database would.
            await using (var stream = new FileStream(fs.PathOf(name), FileMode.Create, FileAccess.Write, FileShare.None, 0))
            {
                var half = data.Length / 2;
                stream.Position = half;
                await stream.WriteAsync(data.AsMemory(half), ct);
                stream.Position = 0;
                await stream.WriteAsync(data.AsMemory(0, half), ct);
            }
            contents[name] = data;
        });
        Assert.Equal(64, Directory.GetFiles(fs.PathOf("parallel")).Length);
        fs.Sync();
        await Parallel.ForEachAsync(contents, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (entry, ct) =>
        {
            Assert.Equal(entry.Value, await File.ReadAllBytesAsync(fs.PathOf(entry.Key), ct));
            using var response = await fs.Bucket.Client.GetObjectAsync(fs.Bucket.Name, entry.Key, ct);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy, ct);
            Assert.Equal(entry.Value, copy.ToArray());
        });
    }

    [Fact]
    public async Task Many_readers_of_one_file_read_the_same_bytes()
    {
        var data = RandomNumberGenerator.GetBytes(20 * 1024 * 1024 + 123);
        await File.WriteAllBytesAsync(fs.PathOf("readers.bin"), data);
        var expected = SHA256.HashData(data);
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (i, ct) =>
        {
            await using var stream = new FileStream(fs.PathOf("readers.bin"), FileMode.Open, FileAccess.Read, FileShare.Read, 0);
            if (i % 2 == 1)
            {
                // Random-access readers next to the sequential ones.
                var buffer = new byte[4096];
                for (var k = 0; k < 50; k++)
                {
                    var offset = Random.Shared.NextInt64(0, data.Length - buffer.Length);
                    stream.Position = offset;
                    await stream.ReadExactlyAsync(buffer, ct);
                    Assert.True(buffer.AsSpan().SequenceEqual(data.AsSpan((int)offset, buffer.Length)));
                }
            }
            else
            {
                Assert.Equal(expected, await SHA256.HashDataAsync(stream, ct));
            }
        });
    }
}
