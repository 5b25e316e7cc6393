using SharedFs.Fuse.Tests.Infrastructure;

namespace SharedFs.Fuse.Tests;

/// <summary>Many threads at once: libfuse's workers call the managed filesystem concurrently.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly MountedFs _m = MountedFs.Start();

    public void Dispose() => _m.Dispose();

    [Fact]
    public void Parallel_writers_and_readers_see_their_own_data()
    {
        var shared = new byte[256 * 1024];
        new Random(1).NextBytes(shared);
        File.WriteAllBytes(_m.PathOf("shared"), shared);

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 12, new ParallelOptions { MaxDegreeOfParallelism = 12 }, worker =>
        {
            try
            {
                var mine = new byte[64 * 1024 + worker];
                new Random(worker).NextBytes(mine);
                string path = _m.PathOf($"w{worker}");
                for (int round = 0; round < 5; round++)
                {
                    using (var stream = new FileStream(path, System.IO.FileMode.Create))
                        for (int offset = 0; offset < mine.Length; offset += 5000)
                            stream.Write(mine, offset, Math.Min(5000, mine.Length - offset));
                    if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(mine)) failures.Add($"w{worker} round {round} differs");
                    if (!File.ReadAllBytes(_m.PathOf("shared")).AsSpan().SequenceEqual(shared)) failures.Add($"shared differs for {worker}");
                    Directory.CreateDirectory(_m.PathOf($"d{worker}"));
                    Directory.Delete(_m.PathOf($"d{worker}"));
                }
            }
            catch (Exception e)
            {
                failures.Add($"worker {worker}: {e.Message}");
            }
        });
        Assert.Empty(failures);
        Assert.Equal(12 + 1, Directory.GetFiles(_m.Dir).Length);
    }
}
