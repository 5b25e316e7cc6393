using Amazon.S3.Model;
using SharedFs.FileSystem;
using SharedFs.Reliability.Tests.Support;
using SharedFs.TestSupport;
using Xunit.Abstractions;

namespace SharedFs.Reliability.Tests;

/// <summary>
/// Odd file names round-trip through the mount and s3cmd; keys that cannot be file names are skipped and logged,
/// without crashing the mount or escaping it.
/// </summary>
public sealed class NameTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestBucket _bucket = new();
    private readonly TempDirectory _folder = new("sharedfs-rel-names");
    private SharedFsMount _mount = null!;

    public static readonly string[] OddNames =
    [
        "with space.txt", " leading and trailing ", "unicodé-日本語-🙂.txt", "100%.txt", "%41%2F.txt", "a+b=c.txt", "what?.txt",
        "hash#tag.txt", "semi;colon&amp.txt", "quote'\"back`slash\\.txt", "new\nline.txt", "tab\there.txt", "-dash-first",
        new string('n', 251) + ".txt", "é" + new string('x', 253),
    ];

    public async Task InitializeAsync()
    {
        Requirements.DevFuse();
        await _bucket.InitializeAsync();
        _mount = await SharedFsMount.MountAsync(new SharedFsMountOptions
        {
            Store = _bucket.StoreOptions, MountPoint = _folder.Combine("mnt"), StagingDirectory = _folder.Combine("staging"),
            UnmountWait = TimeSpan.FromSeconds(2),
        });
    }

    public async Task DisposeAsync()
    {
        try { await _mount.UnmountAsync(); }
        finally
        {
            MountCleanup.UnmountEverything(_folder.Path);
            _folder.Dispose();
            await _bucket.DisposeAsync();
        }
    }

    [Fact]
    public async Task Odd_names_and_deep_paths_round_trip_through_the_mount_and_s3cmd()
    {
        var s3cmd = new S3Cmd(_bucket.Gateway);
        var deep = string.Join('/', Enumerable.Range(0, 30).Select(i => $"level{i}")) + "/deep.txt";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_mount.MountPoint, deep))!);
        var names = OddNames.Append(deep).Select((n, i) => (Name: n, I: i)).ToList();
        // s3cmd reads its arguments line by line: a key with a newline cannot be named to it (the SDK is used instead).
        static bool S3CmdCan(string name) => !name.Contains('\n');
        foreach (var (name, i) in names)
        {
            // Mount → bucket (checked with the SDK) → s3cmd.
            var data = Data.Bytes(1000 + i, i);
            var result = Posix.WriteFile(Path.Combine(_mount.MountPoint, name), data, fsync: true);
            Assert.True(result.Ok, $"{Show(name)}: {result}");
            Assert.Equal(Data.Sha(data), await BucketCheck.ShaAsync(_bucket, name));
            if (!S3CmdCan(name)) continue;
            var local = _folder.Combine($"got-{i}");
            await s3cmd.RunAsync("get", "--force", $"s3://{_bucket.Name}/{name}", local);
            Assert.Equal(Data.Sha(data), Data.Sha(File.ReadAllBytes(local)));
        }
        foreach (var (name, i) in names)
        {
            // s3cmd → mount: a new version under the same name.
            var again = Data.Bytes(500 + i, 100 + i);
            var local = _folder.Combine($"put-{i}");
            await File.WriteAllBytesAsync(local, again);
            if (S3CmdCan(name)) await s3cmd.RunAsync("put", local, $"s3://{_bucket.Name}/{name}");
            else await _bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket.Name, Key = name, FilePath = local });
        }
        // No wait: every open() asks the bucket (close-to-open) and every opendir() lists anew.
        foreach (var (name, i) in names)
        {
            var (read, errno) = Posix.ReadFile(Path.Combine(_mount.MountPoint, name));
            Assert.True(errno == 0, $"{Show(name)}: read {Posix.ErrnoName(errno)}");
            Assert.Equal(Data.Sha(Data.Bytes(500 + i, 100 + i)), Data.Sha(read!));
            var parent = Path.GetDirectoryName(Path.Combine(_mount.MountPoint, name))!;
            Assert.Contains(Path.GetFileName(name), Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));
        }
        // One byte over NAME_MAX is refused, not truncated.
        var tooLong = Posix.WriteFile(Path.Combine(_mount.MountPoint, new string('z', 256)), [1]);
        Assert.Equal(Posix.ENAMETOOLONG, tooLong.Errno);
    }

    [Fact]
    public async Task Keys_that_cannot_be_file_names_are_skipped_and_logged_never_crash_or_escape()
    {
        var bad = new[] { "odd/a//b", "odd/./", "odd/../", "odd/.", "odd/..", "odd/" + new string('k', 300), "odd//lead", "odd/x/" + new string('k', 256) + "/y" };
        foreach (var key in bad.Append("odd/fine.txt").Append("../escape.txt").Append("odd/../../escape2.txt"))
        {
            try { await _bucket.PutTextAsync(key, "content of " + key); }
            catch (Amazon.S3.AmazonS3Exception e) { output.WriteLine($"the gateway refused key {Show(key)}: {e.ErrorCode}"); }
        }
        output.WriteLine("keys in the bucket: " + string.Join(", ", (await _bucket.ListKeysAsync()).Select(Show)));

        var logged = new List<string>();
        var previous = FsLog.Sink;
        FsLog.Sink = message => { lock (logged) logged.Add(message); previous(message); };
        try
        {
            var root = _mount.MountPoint;
            foreach (var dir in new[] { root, Path.Combine(root, "odd"), Path.Combine(root, "odd", "a"), Path.Combine(root, "odd", "x") })
            {
                if (!Directory.Exists(dir)) continue;
                foreach (var entry in Directory.GetFileSystemEntries(dir).Select(Path.GetFileName))
                {
                    Assert.False(string.IsNullOrEmpty(entry) || entry is "." or ".." || entry.Contains('/')
                        || System.Text.Encoding.UTF8.GetByteCount(entry) > 255, $"invalid entry {Show(entry!)} in {dir}");
                }
            }
            Assert.Contains("fine.txt", Directory.GetFiles(Path.Combine(root, "odd")).Select(Path.GetFileName));
            Assert.Equal("content of odd/fine.txt", File.ReadAllText(Path.Combine(root, "odd", "fine.txt")));
            // Nothing outside the mount appeared, and the mount still works.
            Assert.False(File.Exists(Path.Combine(_folder.Path, "escape.txt")));
            Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_folder.Path)!, "escape.txt")));
            Assert.True(Posix.WriteFile(Path.Combine(root, "odd", "after.txt"), Posix.Utf8("still fine")).Ok);
            Assert.True(ProcFs.IsFuseMountedAt(root));
        }
        finally
        {
            FsLog.Sink = previous;
        }
        output.WriteLine(string.Join('\n', logged));
        Assert.Contains(logged, l => l.Contains("skipping key", StringComparison.Ordinal));
    }

    private static string Show(string name) => name.Length > 40 ? $"{name[..20]}…({name.Length} chars)" : name.Replace("\n", "\\n").Replace("\t", "\\t");
}
