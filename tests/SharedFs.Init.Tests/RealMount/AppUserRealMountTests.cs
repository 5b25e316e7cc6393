using SharedFs.Init.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Init.Tests.RealMount;

/// <summary>
/// SHAREDFS_USER with the real binary and the real mount: the init mounts and links as root, the app runs as a
/// real user made for the test (useradd) and the kernel enforces the modes and owners the mount reports
/// (allow_other, default_permissions). What the app writes, what was migrated for it and what other tools put
/// without metadata is the user's; root's private file and the root-owned app root stay out of its reach.
/// </summary>
[Collection(RealMountCollection.Name)]
public sealed class AppUserRealMountTests(TestBucket bucket) : IClassFixture<TestBucket>
{
    // The app prints what it saw and could do, one "name=value" per line (grep's lines from /proc as they are).
    private const string Script = """
        grep -E '^(Uid|Gid|Groups|CapPrm|CapEff):' /proc/self/status
        echo "home=$HOME"; echo "user=${USER-unset}"; echo "logname=${LOGNAME-unset}"
        Try() { name=$1; shift; if "$@" 2>/dev/null; then echo "$name=ok"; else echo "$name=denied"; fi; }
        Try link-write sh -c 'echo "written by the app" > "$APP/$LINK/by-app.txt"'
        Try link-mkdir sh -c 'mkdir "$APP/$LINK/made-by-app" && echo inner > "$APP/$LINK/made-by-app/inner.txt"'
        Try migrated-append sh -c 'echo appended >> "$APP/$LINK/shipped.txt"'
        Try older-write sh -c 'echo new > "$APP/older/new.txt"'
        Try private-read cat "$MOUNT/private/secret.txt"
        Try private-write sh -c 'echo x >> "$MOUNT/private/secret.txt"'
        Try app-root-create touch "$APP/made-in-the-app-root"
        Try app-root-write sh -c 'echo x >> "$APP/config.txt"'
        stat -c 'foreign=%u:%g' "$MOUNT/foreign/plain.txt"
        stat -c 'migrated=%u:%g' "$APP/$LINK/shipped.txt" "$APP/$LINK/sub/deep.txt"
        """;

    [Fact]
    public async Task The_app_runs_with_the_users_ids_and_groups_and_writes_only_where_it_may()
    {
        using var workspace = new RealMountWorkspace();
        using var account = new TestAccount();
        string app = workspace.AppRoot;
        MakeReachable(workspace);
        Directory.CreateDirectory(Path.Combine(app, "uploads", "sub"));
        File.WriteAllText(Path.Combine(app, "uploads", "shipped.txt"), "shipped\n");
        File.WriteAllText(Path.Combine(app, "uploads", "sub", "deep.txt"), "deep\n");
        File.WriteAllText(Path.Combine(app, "config.txt"), "root's\n");
        await bucket.PutTextAsync("foreign/plain.txt", "put by another tool, without metadata");
        await bucket.PutTextAsync("private/secret.txt", "root only", new Dictionary<string, string> { ["uid"] = "0", ["gid"] = "0", ["mode"] = "33152" });
        // A linked folder an earlier boot made as root (s3fs's marker: bare 0755).
        await bucket.PutTextAsync("older/", "", new Dictionary<string, string> { ["uid"] = "0", ["gid"] = "0", ["mode"] = "493" });

        using var init = RunningInit.Start(InitMode.Pid1, ["--", "sh", "-c", Script],
            workspace.Environment(bucket, ("SCALINGO_SHAREDFS_SYMLINKS", "uploads:older"), ("SHAREDFS_USER", account.Name), ("LINK", "uploads")), app);
        int exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(40));
        Assert.True(exit == 0, $"exit {exit}\n{init.Stdout}\n{init.Stderr}");
        var seen = Observations(init.Stdout);

        string uid = account.Uid.ToString(), gid = account.Gid.ToString();
        Assert.Equal($"{uid}\t{uid}\t{uid}\t{uid}", seen["Uid"]);
        Assert.Equal($"{gid}\t{gid}\t{gid}\t{gid}", seen["Gid"]);
        Assert.Equal(new[] { account.Gid, account.ExtraGid }.Order(), seen["Groups"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(uint.Parse).Order());
        Assert.Equal("0000000000000000", seen["CapPrm"]);
        Assert.Equal("0000000000000000", seen["CapEff"]);
        Assert.Equal((account.Home, account.Name, account.Name), (seen["home"], seen["user"], seen["logname"]));

        foreach (string allowed in new[] { "link-write", "link-mkdir", "migrated-append", "older-write" }) Assert.True(seen[allowed] == "ok", $"{allowed}: {seen[allowed]}\n{init.Stdout}");
        foreach (string denied in new[] { "private-read", "private-write", "app-root-create", "app-root-write" }) Assert.True(seen[denied] == "denied", $"{denied}: {seen[denied]}");
        Assert.Equal($"{uid}:{gid}", seen["foreign"]);
        Assert.Equal([$"{uid}:{gid}", $"{uid}:{gid}"], init.Stdout.Split('\n').Where(l => l.StartsWith("migrated=")).Select(l => l["migrated=".Length..]));
        Assert.False(File.Exists(Path.Combine(app, "made-in-the-app-root")));
        Assert.Equal("root's\n", File.ReadAllText(Path.Combine(app, "config.txt")));

        // In the bucket: what the app wrote, what was migrated for it and the directories made for it are the user's.
        Assert.Equal("written by the app\n", await bucket.GetTextAsync("uploads/by-app.txt"));
        Assert.Equal("shipped\nappended\n", await bucket.GetTextAsync("uploads/shipped.txt"));
        Assert.Equal("root only", await bucket.GetTextAsync("private/secret.txt"));
        foreach (string key in new[] { "uploads/", "uploads/sub/", "uploads/shipped.txt", "uploads/sub/deep.txt", "uploads/by-app.txt", "uploads/made-by-app/inner.txt", "older/", "older/new.txt" })
            Assert.Equal((uid, gid), await OwnerInBucketAsync(key));
        Assert.Contains($"as {account.Name} (uid {uid}, gid {gid}", init.Stderr);
        Assert.Contains($"gave {Path.Combine(workspace.Mount, "older")} to uid {uid}, gid {gid}", init.Stderr);
    }

    [Fact]
    public async Task A_numeric_user_without_a_passwd_entry_runs_with_those_ids_and_home_slash()
    {
        using var workspace = new RealMountWorkspace();
        const uint Id = 12345;
        Assert.DoesNotContain(File.ReadLines("/etc/passwd"), l => l.Split(':') is [_, _, var u, ..] && u == Id.ToString());
        MakeReachable(workspace);
        const string Numeric = """
            grep -E '^(Uid|Gid|Groups):' /proc/self/status
            echo "home=$HOME"; echo "user=${USER-unset}"; echo "logname=${LOGNAME-unset}"
            echo numbers > "$APP/data/by-number.txt" && echo "link-write=ok"
            """;
        using var init = RunningInit.Start(InitMode.Subreaper, ["--user", $"{Id}:{Id}", "--", "sh", "-c", Numeric],
            workspace.Environment(bucket, ("SCALINGO_SHAREDFS_SYMLINKS", "data"), ("USER", "root"), ("LOGNAME", "root")), workspace.AppRoot);
        int exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(40));
        Assert.True(exit == 0, $"exit {exit}\n{init.Stdout}\n{init.Stderr}");
        var seen = Observations(init.Stdout);

        Assert.Equal("12345\t12345\t12345\t12345", seen["Uid"]);
        Assert.Equal("12345\t12345\t12345\t12345", seen["Gid"]);
        Assert.Equal("12345", seen["Groups"].Trim());
        Assert.Equal(("/", "unset", "unset"), (seen["home"], seen["user"], seen["logname"]));
        Assert.Equal("ok", seen["link-write"]);
        Assert.Equal(("12345", "12345"), await OwnerInBucketAsync("data/by-number.txt"));
        Assert.Equal(("12345", "12345"), await OwnerInBucketAsync("data/"));
        Assert.False(workspace.IsMounted);
    }

    /// <summary>The test run's folders are root's; the app's user must pass through them to its app root (not list them).</summary>
    private static void MakeReachable(RealMountWorkspace workspace)
    {
        for (string? dir = workspace.AppRoot; !string.IsNullOrEmpty(dir) && dir != "/"; dir = Path.GetDirectoryName(dir))
            File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(workspace.AppRoot, (UnixFileMode)0x1ED); // 0755, root's: the app may read it, not write in it
    }

    /// <summary>"Name: value" lines of /proc and "name=value" lines of the script, by name.</summary>
    private static Dictionary<string, string> Observations(string stdout)
    {
        var seen = new Dictionary<string, string>();
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = line.IndexOf(":\t", StringComparison.Ordinal), equals = line.IndexOf('=');
            if (colon > 0 && (equals < 0 || colon < equals)) seen[line[..colon]] = line[(colon + 2)..].TrimEnd();
            else if (equals > 0) seen.TryAdd(line[..equals], line[(equals + 1)..]);
        }
        return seen;
    }

    private async Task<(string? Uid, string? Gid)> OwnerInBucketAsync(string key)
    {
        var head = await bucket.Client.GetObjectMetadataAsync(bucket.Name, key);
        return (head.Metadata["x-amz-meta-uid"], head.Metadata["x-amz-meta-gid"]);
    }
}
