using System.Text;
using Xunit.Abstractions;

namespace SharedFs.FileSystem.Tests;

/// <summary>
/// A long random sequence of operations applied to the mount and to a local directory (the model): every
/// outcome (errno, content, size, listing) must be the same. Seeded and reproducible: the seed is printed,
/// and SHAREDFS_MODEL_SEED replays one.
/// </summary>
public sealed class ModelBasedTests(MountedBucket fs, ITestOutputHelper output) : IClassFixture<MountedBucket>
{
    private const int Operations = 600;
    private static readonly string[] Names = ["a", "b", "c", "d"];

    [Fact]
    public void Random_operations_match_a_local_directory()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SHAREDFS_MODEL_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with SHAREDFS_MODEL_SEED={seed})");
        var random = new Random(seed);
        using var local = new SharedFs.TestSupport.TempDirectory("sharedfs-model");
        var mounted = fs.PathOf("model");
        Directory.CreateDirectory(mounted);
        var log = new List<string>();

        for (var step = 0; step < Operations; step++)
        {
            var (description, apply) = NextOperation(random);
            log.Add(description);
            var expected = apply(local.Path);
            var actual = apply(mounted);
            if (expected != actual)
            {
                output.WriteLine(string.Join('\n', log.TakeLast(30)));
                Assert.Fail($"seed {seed}, step {step}: {description}\n  local: {expected}\n  mount: {actual}");
            }
        }
        // At the end, the whole trees are equal.
        Assert.Equal(Snapshot(local.Path), Snapshot(mounted));
    }

    private static string RandomPath(Random random)
    {
        var depth = random.Next(1, 4);
        return string.Join('/', Enumerable.Range(0, depth).Select(_ => Names[random.Next(Names.Length)]));
    }

    private static byte[] RandomBytes(Random random)
    {
        var size = random.Next(10) switch { 0 => 0, < 8 => random.Next(1, 200), _ => random.Next(1, 300_000) };
        var data = new byte[size];
        random.NextBytes(data);
        return data;
    }

    private static (string, Func<string, string>) NextOperation(Random random)
    {
        var path = RandomPath(random);
        switch (random.Next(12))
        {
            case 0:
            case 1:
            {
                var data = RandomBytes(random);
                return ($"create {path} ({data.Length} bytes)", root =>
                    Errno(Posix.Write(Full(root, path), Posix.OWriteOnly | Posix.OCreate | Posix.OTruncate, 0, data)));
            }
            case 2:
            {
                var data = RandomBytes(random);
                var offset = random.Next(0, 400_000);
                return ($"write {path} at {offset} ({data.Length} bytes)", root =>
                    Errno(Posix.Write(Full(root, path), Posix.OWriteOnly, offset, data)));
            }
            case 3:
            {
                var data = RandomBytes(random);
                return ($"append {path} ({data.Length} bytes)", root =>
                    Errno(Posix.Write(Full(root, path), Posix.OWriteOnly | Posix.OAppend | Posix.OCreate, 0, data)));
            }
            case 4:
            {
                var length = random.Next(0, 350_000);
                return ($"truncate {path} to {length}", root => Errno(Posix.Truncate(Full(root, path), length)));
            }
            case 5:
            {
                var target = RandomPath(random);
                return ($"rename {path} → {target}", root => Errno(Posix.Rename(Full(root, path), Full(root, target))));
            }
            case 6:
                return ($"unlink {path}", root => Errno(Posix.Unlink(Full(root, path))));
            case 7:
            case 8:
                return ($"mkdir {path}", root => Errno(Posix.MakeDirectory(Full(root, path))));
            case 9:
                return ($"rmdir {path}", root => Errno(Posix.RemoveDirectory(Full(root, path))));
            case 10:
                return ($"read {path}", root => Read(Full(root, path)));
            default:
            {
                var dir = random.Next(3) == 0 ? "" : RandomPath(random);
                return ($"list {dir}", root => List(Full(root, dir)));
            }
        }
    }

    private static string Full(string root, string relative) => relative.Length == 0 ? root : Path.Combine(root, relative);

    private static string Errno(int errno) => errno == 0 ? "ok" : $"errno {errno}";

    private static string Read(string path)
    {
        try
        {
            if (Directory.Exists(path)) return "directory";
            var bytes = File.ReadAllBytes(path);
            return $"{bytes.Length} bytes, {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16]}";
        }
        catch (Exception e) { return e.GetType().Name; }
    }

    private static string List(string path)
    {
        try
        {
            var entries = new DirectoryInfo(path).EnumerateFileSystemInfos()
                .Select(i => $"{i.Name}:{(i is DirectoryInfo ? "d" : ((FileInfo)i).Length.ToString())}")
                .Order(StringComparer.Ordinal);
            return string.Join(' ', entries);
        }
        catch (Exception e) { return e.GetType().Name; }
    }

    private static string Snapshot(string root)
    {
        var builder = new StringBuilder();
        foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Select(e => Path.GetRelativePath(root, e)).Order(StringComparer.Ordinal))
            builder.Append(entry).Append(' ').AppendLine(Read(Path.Combine(root, entry)));
        return builder.ToString();
    }
}
