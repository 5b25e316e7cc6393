using System.Diagnostics;
using Xunit.Abstractions;

namespace SharedFs.FileSystem.Tests;

/// <summary>Many small files (the common web-app case): created, stat'ed, listed and read back; rates reported.</summary>
public sealed class SmallFileTests(MountedBucket fs, ITestOutputHelper output) : IClassFixture<MountedBucket>
{
    [Fact]
    public async Task Hundreds_of_small_files_round_trip()
    {
        const int count = 300;
        Directory.CreateDirectory(fs.PathOf("small"));
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
            await File.WriteAllTextAsync(fs.PathOf($"small/file-{i}.txt"), $"content {i}");
        var createRate = count / watch.Elapsed.TotalSeconds;

        watch.Restart();
        var listed = Directory.GetFiles(fs.PathOf("small")).Length;
        var listSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        for (var i = 0; i < count; i++)
            Assert.Equal($"content {i}", await File.ReadAllTextAsync(fs.PathOf($"small/file-{i}.txt")));
        var readRate = count / watch.Elapsed.TotalSeconds;

        Assert.Equal(count, listed);
        fs.Sync();
        Assert.Equal(count, (await fs.Bucket.ListKeysAsync("small/file-")).Count);
        using var store = new SharedFs.Storage.S3ObjectStore(fs.Bucket.StoreOptions);
        watch.Restart();
        for (var i = 0; i < 50; i++) await store.HeadAsync($"small/file-{i}.txt");
        var headMs = watch.Elapsed.TotalMilliseconds / 50;
        watch.Restart();
        for (var i = 0; i < 50; i++) await store.HeadAsync($"small/missing-{i}.txt");
        var missMs = watch.Elapsed.TotalMilliseconds / 50;
        var buffer = new byte[4096];
        watch.Restart();
        for (var i = 0; i < 50; i++) await store.ReadAsync($"small/file-{i}.txt", 0, buffer);
        var getMs = watch.Elapsed.TotalMilliseconds / 50;
        watch.Restart();
        for (var i = 0; i < 50; i++)
            await store.UploadAsync($"small/put-{i}.txt", new MemoryStream(buffer, 0, 10), 10, SharedFs.Storage.ObjectWriteOptions.Empty);
        var putMs = watch.Elapsed.TotalMilliseconds / 50;
        watch.Restart();
        for (var i = 0; i < 50; i++) await store.ListPageAsync($"small/missing-{i}/", null, null, 1);
        var listMs = watch.Elapsed.TotalMilliseconds / 50;
        output.WriteLine($"gateway latency: HEAD {headMs:F1} ms, HEAD of a missing key {missMs:F1} ms, GET {getMs:F1} ms, PUT {putMs:F1} ms, LIST {listMs:F1} ms");
        output.WriteLine($"{count} small files: create+close {createRate:F0}/s, list {listSeconds:F2} s, open+read {readRate:F0}/s");
    }
}
