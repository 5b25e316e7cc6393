using System.Security.Cryptography;
using SharedFs.Reliability.Tests.Support;
using SharedFs.TestSupport;
using SharedFs.TestSupport.Tls;
using Xunit.Abstractions;

namespace SharedFs.Reliability.Tests;

/// <summary>
/// Hostile or mistaken configuration given to the real sharedfs-init executable: every case exits with the
/// documented status, prints one clear line that names the setting and the fix, and changes nothing on disk
/// (app root, mount point) nor in the bucket. docs/bad-input.md lists every case by its id.
/// </summary>
public sealed class BadInputTests(TestBucket bucket, BadCertificateServers tls, ITestOutputHelper output)
    : IClassFixture<TestBucket>, IClassFixture<BadCertificateServers>, IDisposable
{
    private readonly TempDirectory _folder = new("sharedfs-rel-bad");

    public void Dispose()
    {
        MountCleanup.UnmountEverything(_folder.Path);
        _folder.Dispose();
    }

    /// <summary>
    /// One case: what is wrong, the exit status, and what the error line must say. <paramref name="Tls"/> names the
    /// BadCertificateServers listener the case talks to ("{tls}" in Env is its endpoint, "{test-ca}" the CA file of the
    /// other two): it must have seen exactly one connection, i.e. no retry.
    /// </summary>
    public sealed record Case(int Exit, string[] Says, Dictionary<string, string?>? Env = null, string[]? Args = null,
        Action<Layout>? Setup = null, bool WithoutDevFuse = false, string[]? MustNotSay = null, bool MountsFirst = false,
        bool AlreadyMounted = false, bool NotRoot = false, string? Tls = null);

    public sealed record Layout(string Root, string AppRoot, string Mount, string Staging)
    {
        public string Path(string relative) => System.IO.Path.Combine(Root, relative);
    }

    private const string Cred = "SCALINGO_SHAREDFS_CREDENTIALS", Endpoint = "SHAREDFS_ENDPOINT", Mount = "SHAREDFS_MOUNT",
        Links = "SCALINGO_SHAREDFS_SYMLINKS", Ttl = "SHAREDFS_CACHE_TTL", User = "SHAREDFS_USER";
    private const string Secret = "Zz9-very-secret-value-Zz9";

    public static readonly Dictionary<string, Case> Cases = new()
    {
        ["credentials-missing"] = new(2, [Cred, "is not set"], new() { [Cred] = null }),
        ["credentials-one-part"] = new(2, [Cred, "three parts", "e.g."], new() { [Cred] = Secret }, MustNotSay: [Secret]),
        ["credentials-two-parts"] = new(2, [Cred, "three parts"], new() { [Cred] = "AKIA:" + Secret }, MustNotSay: [Secret]),
        ["credentials-empty-access-key"] = new(2, [Cred, "access key id", "empty"], new() { [Cred] = ":" + Secret + ":bucket" }, MustNotSay: [Secret]),
        ["credentials-empty-secret"] = new(2, [Cred, "secret key", "empty"], new() { [Cred] = "AKIA::bucket" }),
        ["credentials-empty-bucket"] = new(2, [Cred, "bucket name"], new() { [Cred] = "AKIA:" + Secret + ":" }, MustNotSay: [Secret]),
        ["credentials-bad-bucket-name"] = new(2, [Cred, "bucket name", "after the last"], new() { [Cred] = "AKIA:" + Secret + ":Bad_Bucket" }, MustNotSay: [Secret]),
        ["credentials-space-in-access-key"] = new(2, [Cred, "white space"], new() { [Cred] = "AK IA:" + Secret + ":bucket" }, MustNotSay: [Secret]),
        ["credentials-newline"] = new(2, [Cred], new() { [Cred] = "AKIA:" + Secret + "\n:bucket\n" }, MustNotSay: [Secret]),
        ["credentials-wrong-secret"] = new(1, ["secret key is wrong", Cred], new() { [Cred] = "{access}:" + Secret + ":{bucket}" }, MustNotSay: [Secret]),
        ["credentials-wrong-secret-v2"] = new(1, ["secret key is wrong", Cred], new() { [Cred] = "{access}:" + Secret + ":{bucket}", ["SHAREDFS_SIGNATURE"] = "v2" }, MustNotSay: [Secret]),
        ["credentials-wrong-access-key"] = new(1, ["access key", Cred], new() { [Cred] = "NOSUCHKEY:" + Secret + ":{bucket}" }, MustNotSay: [Secret]),
        ["credentials-missing-bucket"] = new(1, ["no bucket 'no-such-bucket-x'", Cred], new() { [Cred] = "{access}:{secret}:no-such-bucket-x" }),
        ["endpoint-missing"] = new(2, [Endpoint, "is not set"], new() { [Endpoint] = null }),
        ["endpoint-not-a-url"] = new(2, [Endpoint, "not an absolute URL", "e.g."], new() { [Endpoint] = "s3 dot example" }),
        ["endpoint-no-scheme"] = new(2, [Endpoint], new() { [Endpoint] = "127.0.0.1:9000" }),
        ["endpoint-ftp"] = new(2, [Endpoint, "only http and https"], new() { [Endpoint] = "ftp://127.0.0.1/" }),
        ["endpoint-user-info"] = new(2, [Endpoint, "user:password"], new() { [Endpoint] = "http://user:" + Secret + "@127.0.0.1/" }, MustNotSay: [Secret]),
        ["endpoint-query"] = new(2, [Endpoint, "query"], new() { [Endpoint] = "http://127.0.0.1/?bucket=x" }),
        ["endpoint-unreachable"] = new(1, ["cannot be reached", Endpoint], new() { [Endpoint] = "http://127.0.0.1:9/" }),
        ["certificate-untrusted"] = new(1, ["is not trusted", "SSL_CERT_FILE="], new() { [Endpoint] = "{tls}" }, Tls: "untrusted"),
        ["certificate-expired"] = new(1, [" expired on ", "renew the server's certificate"], new() { [Endpoint] = "{tls}", ["SSL_CERT_FILE"] = "{test-ca}" }, Tls: "expired"),
        ["certificate-wrong-name"] = new(1, ["is for storage.example.com, not 127.0.0.1", "fix " + Endpoint], new() { [Endpoint] = "{tls}", ["SSL_CERT_FILE"] = "{test-ca}" }, Tls: "wrong-name"),
        ["region-bad"] = new(2, ["SHAREDFS_REGION"], new() { ["SHAREDFS_REGION"] = "eu west;1" }),
        ["mount-relative"] = new(2, [Mount, "absolute"], new() { [Mount] = "storage" }),
        ["mount-root"] = new(2, [Mount, "root directory"], new() { [Mount] = "/" }),
        ["mount-is-a-file"] = new(1, ["mnt-file", Mount], new() { [Mount] = "{root}/mnt-file" }, Setup: l => File.WriteAllText(l.Path("mnt-file"), "a file")),
        ["mount-contains-app-root"] = new(2, [Mount, "must not be inside"], new() { [Mount] = "{root}" }),
        ["staging-inside-mount"] = new(2, ["SHAREDFS_STAGING_DIR", "must not be inside"], new() { ["SHAREDFS_STAGING_DIR"] = "{mount}/staging" }),
        ["staging-relative"] = new(2, ["SHAREDFS_STAGING_DIR", "absolute"], new() { ["SHAREDFS_STAGING_DIR"] = "tmp/staging" }),
        ["write-back-unknown"] = new(2, ["SHAREDFS_WRITE_BACK", "is not on or off"], new() { ["SHAREDFS_WRITE_BACK"] = "sometimes" }),
        ["quota-not-a-size"] = new(2, ["SHAREDFS_QUOTA", "is not a size", "e.g. SHAREDFS_QUOTA=5g"], new() { ["SHAREDFS_QUOTA"] = "5 gigs" }),
        ["quota-zero"] = new(2, ["SHAREDFS_QUOTA", "more than zero"], new() { ["SHAREDFS_QUOTA"] = "0" }),
        ["quota-negative"] = new(2, ["SHAREDFS_QUOTA", "is not a size"], new() { ["SHAREDFS_QUOTA"] = "-5g" }),
        ["signature-unknown"] = new(2, ["SHAREDFS_SIGNATURE", "is not v2 or v4", "e.g."], new() { ["SHAREDFS_SIGNATURE"] = "v3" }),
        ["symlink-parent"] = new(2, [Links, ".."], new() { [Links] = "../etc" }),
        ["symlink-absolute"] = new(2, [Links], new() { [Links] = "/etc" }),
        ["symlink-escaping"] = new(2, [Links], new() { [Links] = "public/../../etc" }),
        ["symlink-dot"] = new(2, [Links], new() { [Links] = "." }),
        ["symlink-empty-entry"] = new(2, [Links], new() { [Links] = "public::data" }),
        ["symlink-overlap"] = new(2, [Links, "overlap"], new() { [Links] = "public:public/uploads" }),
        ["symlink-through-outside-link"] = new(2, [Links], new() { [Links] = "data/uploads" },
            Setup: l => File.CreateSymbolicLink(Path.Combine(l.AppRoot, "data"), "/etc")),
        ["ttl-not-a-duration"] = new(2, [Ttl, "not a duration", "e.g."], new() { [Ttl] = "soon" }),
        ["ttl-negative"] = new(2, [Ttl], new() { [Ttl] = "-1s" }),
        ["ttl-too-long"] = new(2, [Ttl], new() { [Ttl] = "2000h" }),
        ["ready-timeout-zero"] = new(2, ["SHAREDFS_READY_TIMEOUT", "more than zero"], new() { ["SHAREDFS_READY_TIMEOUT"] = "0" }),
        ["stop-timeout-unit"] = new(2, ["SHAREDFS_STOP_TIMEOUT"], new() { ["SHAREDFS_STOP_TIMEOUT"] = "25 parsecs" }),
        ["user-unknown"] = new(2, [User, "there is no user \"no-such-user-x\" in /etc/passwd", "e.g."], new() { [User] = "no-such-user-x" }),
        ["user-unknown-group"] = new(2, [User, "there is no group \"no-such-group-x\" in /etc/group"], new() { [User] = "daemon:no-such-group-x" }),
        ["user-three-parts"] = new(2, [User, "expected USER or USER:GROUP"], new() { [User] = "daemon:daemon:daemon" }),
        ["user-empty-user"] = new(2, [User, "the user (before the ':') is empty"], new() { [User] = ":daemon" }),
        ["user-empty-group"] = new(2, [User, "the group (after the ':') is empty"], new() { [User] = "daemon:" }),
        ["user-uid-too-big"] = new(2, [User, "not a valid uid"], new() { [User] = "4294967295" }),
        ["user-gid-not-a-number"] = new(2, [User, "not a valid gid"], new() { [User] = "daemon:99999999999" }),
        ["user-number-without-entry"] = new(2, [User, "no entry in /etc/passwd", "12345:12345"], new() { [User] = "12345" }),
        ["user-option-unknown"] = new(2, ["--user", "there is no user", "e.g. --user"], Args: ["--user", "no-such-user-x", "--", "touch", "{root}/app-ran"]),
        ["user-without-root"] = new(2, [User, "needs root", "runs as uid 65534"], new() { [User] = "daemon" }, NotRoot: true),
        ["option-unknown"] = new(2, ["unknown option --bucket", "--help"], Args: ["--bucket", "x", "--", "true"]),
        ["option-without-value"] = new(2, ["--cache-ttl needs a value"], Args: ["--cache-ttl"]),
        ["option-bad-value"] = new(2, ["--cache-ttl", "not a duration"], Args: ["--cache-ttl", "fast", "--", "true"]),
        ["no-command"] = new(2, ["no command to run"], Args: ["--"]),
        ["command-missing"] = new(127, ["no-such-program-x: command not found"], Args: ["--", "no-such-program-x"], MountsFirst: true),
        ["command-not-executable"] = new(126, ["not executable"], Args: ["--", "{root}/script.sh"],
            Setup: l => File.WriteAllText(l.Path("script.sh"), "#!/bin/sh\necho hi\n"), MountsFirst: true),
        ["mount-already-mounted"] = new(1, ["a live FUSE filesystem is mounted at", Mount], AlreadyMounted: true),
        ["dev-fuse-missing"] = new(1, ["/dev/fuse is missing", "--device /dev/fuse"], WithoutDevFuse: true),
    };

    private static readonly string[] ProgressLines =
    [
        "sharedfs-init: configuration:", "sharedfs-init: mounted bucket", "sharedfs-init: started the app", "sharedfs-init: ready:",
        "sharedfs-init: app exited", "sharedfs-init: flushed and unmounted", "sharedfs-init: exiting with status", "sharedfs-init: linked ",
        "sharedfs-init: received ",
    ];

    public static TheoryData<string> CaseIds => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseIds))]
    public async Task Bad_input_is_refused_with_one_clear_line_and_changes_nothing(string id)
    {
        Requirements.DevFuse();
        var @case = Cases[id];
        var layout = new Layout(_folder.Path, _folder.Combine("app"), _folder.Combine("mnt"), _folder.Combine("staging"));
        Directory.CreateDirectory(layout.AppRoot);
        File.WriteAllText(Path.Combine(layout.AppRoot, "app.txt"), "the app's own file");
        Directory.CreateDirectory(Path.Combine(layout.AppRoot, "public"));
        @case.Setup?.Invoke(layout);
        await bucket.PutTextAsync("existing.txt", "already in the bucket");

        var tlsServer = @case.Tls is { } fault ? tls[fault] : null;
        var tlsConnectionsBefore = tlsServer?.Connections ?? 0;
        string Expand(string? value) => (value ?? "")
            .Replace("{tls}", tlsServer?.Endpoint.ToString() ?? "{tls}").Replace("{test-ca}", tls.CaFile)
            .Replace("{root}", layout.Root).Replace("{mount}", layout.Mount)
            .Replace("{access}", bucket.Gateway.AccessKey).Replace("{secret}", bucket.Gateway.SecretKey).Replace("{bucket}", bucket.Name);
        var env = new Dictionary<string, string?>
        {
            [Cred] = bucket.Credentials,
            [Endpoint] = bucket.Gateway.Endpoint.ToString(),
            [Mount] = layout.Mount,
            ["SHAREDFS_APP_ROOT"] = layout.AppRoot,
            ["SHAREDFS_STAGING_DIR"] = layout.Staging,
            ["SHAREDFS_READY_TIMEOUT"] = "20s",
        };
        foreach (var (key, value) in @case.Env ?? []) env[key] = value is null ? null : Expand(value);
        var args = (@case.Args ?? ["--", "touch", Path.Combine(layout.Root, "app-ran")]).Select(Expand).ToList();

        // The app's command fails only after the mount: the mount point then exists (empty, unmounted again).
        if (@case.MountsFirst) Directory.CreateDirectory(layout.Mount);
        using var first = @case.AlreadyMounted ? InitExecutable.Start(["mount"], new Dictionary<string, string?>(env) { ["SHAREDFS_STAGING_DIR"] = layout.Staging + "-first" }) : null;
        if (first is not null) await first.WaitForMountAsync(layout.Mount);
        var diskBefore = Snapshot(layout);
        var bucketBefore = await BucketCheck.SnapshotAsync(bucket);

        InitExecutable.Result result;
        if (@case.WithoutDevFuse)
        {
            // A mount namespace of its own where /dev/fuse is an empty regular file: the device is "missing".
            Requirements.Program("unshare");
            var empty = layout.Staging + "-empty-dev-fuse"; // outside the snapshot
            File.WriteAllText(empty, "");
            result = await InitExecutable.RunAsync(args, env, TimeSpan.FromSeconds(60), layout.AppRoot, fileName: "unshare",
                prefix: ["--mount", "--propagation", "private", "sh", "-c", $"mount --bind {empty} /dev/fuse && exec \"$0\" \"$@\"", InitExecutable.Path]);
        }
        else if (@case.NotRoot)
        {
            // Started as nobody, with nothing of root's groups: what a container run with --user gives the init.
            Requirements.Program("setpriv");
            result = await InitExecutable.RunAsync(args, env, TimeSpan.FromSeconds(60), layout.AppRoot, fileName: "setpriv",
                prefix: ["--reuid=65534", "--regid=65534", "--clear-groups", InitExecutable.Path]);
        }
        else
        {
            result = await InitExecutable.RunAsync(args, env, TimeSpan.FromSeconds(60), layout.AppRoot);
        }

        // Everything but the normal progress lines (and libfuse's own stderr line, which we cannot silence).
        var errorLines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !ProgressLines.Any(p => l.Contains(p, StringComparison.Ordinal)) && !l.StartsWith("fuse: ", StringComparison.Ordinal))
            .ToList();
        output.WriteLine($"exit {result.ExitCode} in {result.Elapsed.TotalSeconds:0.0} s\n{result.Stderr}");
        Assert.Equal(@case.Exit, result.ExitCode);
        var line = Assert.Single(errorLines);
        foreach (var expected in @case.Says.Select(Expand))
            Assert.Contains(expected, line);
        foreach (var secret in (@case.MustNotSay ?? []).Append(bucket.Gateway.SecretKey))
        {
            Assert.DoesNotContain(secret, result.Stderr);
            Assert.DoesNotContain(secret, result.Stdout);
        }
        Assert.False(File.Exists(layout.Path("app-ran")), "the app ran despite the bad input");
        Assert.True(@case.AlreadyMounted == ProcFs.IsFuseMountedAt(layout.Mount), "something stayed mounted, or the first mount went away");
        Assert.Equal(@case.AlreadyMounted ? 1 : 0, MountCleanup.MountsAtOrBelow(layout.Mount).Count);
        Assert.Equal(diskBefore, Snapshot(layout));
        Assert.Equal(bucketBefore, await BucketCheck.SnapshotAsync(bucket));
        if (tlsServer is not null) Assert.Equal(1, tlsServer.Connections - tlsConnectionsBefore);
    }

    /// <summary>Every path below the test folder (but the staging folder) with its kind, link target or SHA-256.</summary>
    private static string Snapshot(Layout layout)
    {
        var lines = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        var entries = Directory.EnumerateFileSystemEntries(layout.Root, "*", new EnumerationOptions { AttributesToSkip = 0 })
            .SelectMany(e => e == layout.Mount || e.StartsWith(layout.Staging, StringComparison.Ordinal) || !Directory.Exists(e) || new FileInfo(e).LinkTarget is not null
                ? [e] : Directory.EnumerateFileSystemEntries(e, "*", options).Prepend(e));
        foreach (var entry in entries)
        {
            if (entry.StartsWith(layout.Staging, StringComparison.Ordinal) || entry.StartsWith(layout.Mount + "/", StringComparison.Ordinal)) continue;
            var info = new FileInfo(entry);
            lines.Add(info.LinkTarget is { } target ? $"{entry} -> {target}"
                : Directory.Exists(entry) ? $"{entry}/"
                : $"{entry} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry)))}");
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }
}
