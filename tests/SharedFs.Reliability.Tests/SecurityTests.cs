using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using CliWrap;
using CliWrap.Buffered;
using SharedFs.Reliability.Tests.Support;
using SharedFs.TestSupport;
using Xunit.Abstractions;

namespace SharedFs.Reliability.Tests;

/// <summary>
/// Secrets stay secret: a canary Ceph user whose secret exists nowhere else is used for a whole container run,
/// then its secret is looked for in the logs, /proc cmdlines and every file written under /tmp meanwhile.
/// Staging files are 0600 in a 0700 folder.
/// </summary>
public sealed class SecurityTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new("sharedfs-rel-sec");

    public void Dispose()
    {
        MountCleanup.UnmountEverything(_folder.Path);
        _folder.Dispose();
    }

    /// <summary>A fresh gateway user (radosgw-admin) with a secret only this test knows.</summary>
    private static async Task<(string AccessKey, string Secret)> CreateCanaryUserAsync()
    {
        var gateway = CephGateway.Instance;
        var dir = Environment.GetEnvironmentVariable("CEPH_S3_DIR") is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), $"sharedfs-ceph-{Environment.ProcessId}");
        if (!File.Exists(Path.Combine(dir, "ceph.conf")))
            throw new RequirementMissingException($"the Ceph folder of the gateway at {gateway.Endpoint} is not known (set CEPH_S3_DIR): the canary user cannot be created");
        var id = Guid.NewGuid().ToString("N")[..12];
        var (access, secret) = ($"CANARY{id.ToUpperInvariant()}", $"canary-secret-{Guid.NewGuid():N}");
        var result = await Cli.Wrap("radosgw-admin")
            .WithArguments(["-c", Path.Combine(dir, "ceph.conf"), "-n", "client.rgw.x", "user", "create", $"--uid=canary-{id}", "--display-name=canary",
                $"--access-key={access}", $"--secret={secret}"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0) throw new InvalidOperationException("radosgw-admin user create failed: " + result.StandardError);
        return (access, secret);
    }

    [Fact]
    public async Task Credentials_never_appear_in_logs_cmdlines_or_files_and_staging_is_private()
    {
        Requirements.DevFuse();
        var started = DateTime.UtcNow.AddSeconds(-1);
        var (access, secret) = await CreateCanaryUserAsync();
        var gateway = CephGateway.Instance;
        using var client = new AmazonS3Client(access, secret, new AmazonS3Config { ServiceURL = gateway.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = gateway.Region, UseHttp = true });
        var bucket = "canary-" + Guid.NewGuid().ToString("N")[..12];
        await client.PutBucketAsync(bucket);
        try
        {
            // The init's own TMPDIR, so that every temporary file it could create is found by the scan below.
            var tmp = _folder.Combine("tmp");
            Directory.CreateDirectory(tmp);
            var appRoot = _folder.Combine("app");
            var staging = _folder.Combine("staging");
            Directory.CreateDirectory(appRoot);
            // The app writes one file, keeps another open, bigger than what is kept in memory (so it is staged), and waits.
            const string Script = "echo stored > data/done.txt && exec 3>data/open.txt && head -c 1500000 /dev/zero >&3 && echo being-written >&3 " +
                                  "&& touch ../app-ready && sleep 60";
            using var init = InitExecutable.Start(["--", "sh", "-c", Script], new Dictionary<string, string?>
            {
                ["SCALINGO_SHAREDFS_CREDENTIALS"] = $"{access}:{secret}:{bucket}",
                ["SCALINGO_SHAREDFS_SYMLINKS"] = "data",
                ["SHAREDFS_ENDPOINT"] = gateway.Endpoint.ToString(),
                ["SHAREDFS_MOUNT"] = _folder.Combine("storage"),
                ["SHAREDFS_APP_ROOT"] = appRoot,
                ["SHAREDFS_STAGING_DIR"] = staging,
                ["SHAREDFS_STOP_TIMEOUT"] = "5s",
                ["TMPDIR"] = tmp,
            }, appRoot);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(_folder.Combine("app-ready")) && DateTime.UtcNow < deadline && !init.Process.HasExited) await Task.Delay(100);
            Assert.True(File.Exists(_folder.Combine("app-ready")), "the app did not start:\n" + init.Stderr);

            // /proc: no secret in the command lines; the app inherits the environment (documented decision).
            var app = ProcFs.Descendants(init.Pid);
            Assert.NotEmpty(app);
            foreach (var pid in app.Prepend(init.Pid))
                Assert.DoesNotContain(secret, ProcFs.ReadNulSeparated(pid, "cmdline"));
            Assert.Contains(app, pid => ProcFs.ReadNulSeparated(pid, "environ").Contains("SCALINGO_SHAREDFS_CREDENTIALS=", StringComparison.Ordinal));

            // Staging: a private folder of private files, holding the user's data only.
            var stagingMode = File.GetUnixFileMode(staging);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, stagingMode);
            // Each mount stages in its own sub-folder (several inits may share one staging folder): private too.
            foreach (var area in Directory.GetDirectories(staging))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(area));
            var staged = Directory.GetFiles(staging, "stage-*", SearchOption.AllDirectories);
            Assert.NotEmpty(staged);
            foreach (var file in staged)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
                Assert.DoesNotContain(secret, File.ReadAllText(file));
            }

            init.Signal(15);
            var exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"exit {exit}\n{init.Stderr}");
            Assert.DoesNotContain(secret, init.Stderr);
            Assert.DoesNotContain(secret, init.Stdout);
            Assert.Equal("stored\n", await GetTextAsync(client, bucket, "data/done.txt"));

            // A failure path too: a wrong endpoint, then look everywhere.
            var failed = await InitExecutable.RunAsync(["mount"], new Dictionary<string, string?>
            {
                ["SCALINGO_SHAREDFS_CREDENTIALS"] = $"{access}:{secret}:{bucket}",
                ["SHAREDFS_ENDPOINT"] = "http://127.0.0.1:9/",
                ["SHAREDFS_MOUNT"] = _folder.Combine("storage2"),
                ["TMPDIR"] = tmp,
            });
            Assert.Equal(1, failed.ExitCode);
            Assert.DoesNotContain(secret, failed.Stderr + failed.Stdout);

            // Everything the run could write: its TMPDIR, staging, app root and mount folders (all below the test
            // folder), plus files directly in /tmp and /dev/shm (other test runs' folders below /tmp are not ours).
            var leaks = FilesContaining(_folder.Path, secret, started, recurse: true)
                .Concat(FilesContaining(Path.GetTempPath(), secret, started, recurse: false))
                .Concat(FilesContaining("/dev/shm", secret, started, recurse: false)).ToList();
            Assert.True(leaks.Count == 0, "the secret was written to: " + string.Join(", ", leaks));
        }
        finally
        {
            foreach (var key in (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [])
                await client.DeleteObjectAsync(bucket, key.Key);
            await client.DeleteBucketAsync(bucket);
        }
    }

    private static async Task<string> GetTextAsync(AmazonS3Client client, string bucket, string key)
    {
        using var response = await client.GetObjectAsync(bucket, key);
        return await new StreamReader(response.ResponseStream).ReadToEndAsync();
    }

    /// <summary>
    /// Regular files under <paramref name="root"/> changed since <paramref name="since"/> that contain the text. Never
    /// enters a mount point (other tests' FUSE mounts may be slow or dead, and are not files we wrote).
    /// </summary>
    private static List<string> FilesContaining(string root, string text, DateTime since, bool recurse)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        var found = new List<string>();
        var mounts = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Where(f => f.Length > 4)
            .Select(f => f[4].Replace("\\040", " ")).ToHashSet(StringComparer.Ordinal);
        var pending = new Stack<string>([root.TrimEnd('/')]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            try
            {
                if (recurse)
                {
                    foreach (var sub in Directory.EnumerateDirectories(dir, "*", new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }))
                        if (!mounts.Contains(sub)) pending.Push(sub);
                }
                foreach (var file in Directory.EnumerateFiles(dir, "*", new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }))
                {
                    if (!Posix.IsRegularFile(file)) continue; // FIFOs (e.g. /tmp/clr-debug-pipe-*) would block
                    var info = new FileInfo(file);
                    if (info.LastWriteTimeUtc < since || info.Length > 64 << 20) continue;
                    if (File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0) found.Add(file);
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
