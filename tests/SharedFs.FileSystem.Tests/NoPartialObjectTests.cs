using System.Security.Cryptography;
using SharedFs.TestSupport;

namespace SharedFs.FileSystem.Tests;

/// <summary>
/// While A's programs write a file (a shell redirect, dd, cp, a program writing in many write() calls), B and a
/// plain S3 client read it as fast as they can: every version they see is the previous content (or no file) or
/// the whole new content, never an empty or short one. The writers are other processes, as in production: a
/// descriptor of this test process would also be closed (flushed) by every child another test forks.
/// </summary>
public sealed class NoPartialObjectTests : IAsyncLifetime
{
    private const int FileSize = 1 << 20;
    /// <summary>Writes stdin-less slow output: 16 chunks of 64 KiB from a file, each its own write(), 20 ms apart.</summary>
    private const string SlowCopy =
        "import sys,time\nsrc=open(sys.argv[1],'rb').read()\nout=open(sys.argv[2],'wb',buffering=0) if len(sys.argv)>2 else sys.stdout.buffer\n" +
        "for i in range(0,len(src),65536):\n    out.write(src[i:i+65536]); out.flush(); time.sleep(0.02)\nout.close()\n";

    private readonly MountWorkspace _workspace = new("sharedfs-no-partial");
    private SharedFsMount _a = null!, _b = null!;

    private TestBucket Bucket => _workspace.Bucket;

    public async Task InitializeAsync()
    {
        await _workspace.InitializeAsync();
        _a = await MountedBucket.MountAsync(Bucket, _workspace.Folder.Combine("a"), _workspace.Folder.Combine("staging-a"));
        _b = await MountedBucket.MountAsync(Bucket, _workspace.Folder.Combine("b"), _workspace.Folder.Combine("staging-b"));
        await File.WriteAllTextAsync(_workspace.Folder.Combine("slow.py"), SlowCopy);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _a.UnmountAsync();
            await _b.UnmountAsync();
        }
        finally
        {
            await _workspace.DisposeAsync();
        }
    }

    public static TheoryData<string, string> Writers() => new()
    {
        { "redirect", "python3 {py} {src} > {dst}" },
        { "dd", "python3 {py} {src} | dd of={dst} bs=64k status=none" },
        { "cp", "cp {src} {dst}" },
        { "many-writes", "python3 {py} {src} {dst}" },
    };

    [Theory]
    [MemberData(nameof(Writers))]
    public async Task Readers_in_B_and_in_the_bucket_see_the_old_or_the_whole_new_content_only(string writer, string command)
    {
        var key = $"{writer}.bin";
        byte[]? previous = null;
        for (var round = 0; round < 3; round++)
        {
            var content = RandomNumberGenerator.GetBytes(FileSize);
            var source = _workspace.Folder.Combine($"{writer}-{round}.src");
            await File.WriteAllBytesAsync(source, content);
            var script = command.Replace("{py}", _workspace.Folder.Combine("slow.py")).Replace("{src}", source)
                .Replace("{dst}", $"'{Path.Combine(_a.MountPoint, key)}'");

            using var stop = new CancellationTokenSource();
            var seenInB = WatchAsync(() => Task.FromResult(ReadThrough(Path.Combine(_b.MountPoint, key))), stop.Token);
            var seenInBucket = WatchAsync(() => Bucket.TryGetBytesAsync(key), stop.Token);
            await Shell.RunAsync(script);
            // The writer's close() returned: the new content is there, for both.
            Assert.Equal(content, await Bucket.TryGetBytesAsync(key));
            Assert.Equal(content, ReadThrough(Path.Combine(_b.MountPoint, key)));
            await stop.CancelAsync();

            foreach (var (where, seen) in new[] { ("B", await seenInB), ("the bucket", await seenInBucket) })
            {
                foreach (var version in seen)
                {
                    var allowed = version is null ? previous is null
                        : version.AsSpan().SequenceEqual(content) || (previous is not null && version.AsSpan().SequenceEqual(previous));
                    Assert.True(allowed, $"{writer}, round {round}: {where} saw a version of {version?.Length ?? -1} bytes " +
                        "that is neither the previous content nor the new one");
                }
            }
            previous = content;
        }
    }

    /// <summary>Reads again and again until stopped; returns every distinct version seen (null: no such file).</summary>
    private static async Task<List<byte[]?>> WatchAsync(Func<Task<byte[]?>> read, CancellationToken stop)
    {
        var seen = new List<byte[]?>();
        await Task.Yield();
        while (!stop.IsCancellationRequested)
        {
            var version = await Task.Run(read, CancellationToken.None);
            if (!seen.Any(s => s is null ? version is null : version is not null && s.AsSpan().SequenceEqual(version))) seen.Add(version);
        }
        return seen;
    }

    private static byte[]? ReadThrough(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (FileNotFoundException) { return null; }
    }
}
