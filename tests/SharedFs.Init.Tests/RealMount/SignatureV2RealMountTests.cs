using SharedFs.Init.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Init.Tests.RealMount;

/// <summary>
/// SHAREDFS_SIGNATURE=v2 end to end: the built sharedfs-init mounts the bucket with V2 signatures (which the
/// gateway checks) and the app writes, reads, lists and renames through the mount; a wrong secret is refused with
/// exactly the same line on V2 as on V4.
/// </summary>
[Collection(RealMountCollection.Name)]
public sealed class SignatureV2RealMountTests(TestBucket bucket) : IClassFixture<TestBucket>
{
    private const string BadSecret = "wrong-v2-secret:with/odd+chars";

    [Fact]
    public async Task A_v2_mount_writes_reads_lists_and_renames_through_the_filesystem()
    {
        using var workspace = new RealMountWorkspace();
        await bucket.PutTextAsync("v2/existing one.txt", "put before the start");
        const string Script = """
            cat "$MOUNT/v2/existing one.txt" > "$OUT/existing"
            mkdir -p "$MOUNT/v2/dir/sub"
            printf 'written through v2' > "$MOUNT/v2/dir/a b+c%.txt"
            head -c 3000000 /dev/urandom > "$MOUNT/v2/dir/sub/random.bin"
            sha256sum < "$MOUNT/v2/dir/sub/random.bin" > "$OUT/written-sum"
            cat "$MOUNT/v2/dir/a b+c%.txt" > "$OUT/read"
            ls -A "$MOUNT/v2/dir" > "$OUT/listing"
            mv "$MOUNT/v2/dir/a b+c%.txt" "$MOUNT/v2/dir/renamed ü#?.txt"
            mv "$MOUNT/v2/dir" "$MOUNT/v2/moved"
            ls -AR "$MOUNT/v2" > "$OUT/after"
            """;
        using var init = RunningInit.Start(InitMode.Subreaper, ["--", "sh", "-ec", Script],
            workspace.Environment(bucket, ("SHAREDFS_SIGNATURE", "v2")));
        int exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, $"exit {exit}\n{init.Stderr}");
        Assert.Contains("signature v2", init.Stderr.Split('\n').Single(l => l.Contains("configuration:")));
        Assert.Equal("put before the start", File.ReadAllText(workspace.OutsideFile("existing")));
        Assert.Equal("written through v2", File.ReadAllText(workspace.OutsideFile("read")));
        Assert.Equal(["a b+c%.txt", "sub"], File.ReadAllLines(workspace.OutsideFile("listing")));
        Assert.Contains("renamed ü#?.txt", File.ReadAllLines(workspace.OutsideFile("after")));
        Assert.False(workspace.IsMounted, "the mount is still there after the init exited");

        // What landed in the bucket, read with the independent (V4) reference client.
        Assert.Equal("written through v2", await bucket.GetTextAsync("v2/moved/renamed ü#?.txt"));
        var random = await bucket.TryGetBytesAsync("v2/moved/sub/random.bin") ?? throw new Xunit.Sdk.XunitException("the big file is not in the bucket");
        Assert.Equal(File.ReadAllText(workspace.OutsideFile("written-sum")).Split(' ')[0],
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(random)));
        var keys = await bucket.ListKeysAsync("v2/");
        Assert.DoesNotContain(keys, k => k.StartsWith("v2/dir/", StringComparison.Ordinal));
    }

    public static TheoryData<string> Commands() => ["check", "mount", "init"];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_wrong_secret_is_refused_with_the_same_line_on_v2_and_v4(string command)
    {
        var lines = new Dictionary<string, string>();
        foreach (var signature in new[] { "v2", "v4" })
        {
            using var workspace = new RealMountWorkspace();
            var environment = workspace.Environment(bucket,
                ("SCALINGO_SHAREDFS_CREDENTIALS", $"{bucket.Gateway.AccessKey}:{BadSecret}:{bucket.Name}"), ("SHAREDFS_SIGNATURE", signature));
            string[] args = command == "init" ? ["--", "touch", workspace.OutsideFile("app-started")] : [command];
            var (exit, stdout, stderr) = await RunningInit.RunAsync(InitMode.Subreaper, args, environment, timeoutSeconds: 30);

            Assert.True(exit == 1, $"{signature}: exit {exit}\n{stderr}");
            string line = Assert.Single(stderr.Split('\n'), l => l.Contains("error:"));
            Assert.Contains($"the access key or secret key is wrong for {bucket.Gateway.Endpoint}", line);
            Assert.DoesNotContain(BadSecret, stdout + stderr);
            Assert.DoesNotContain(bucket.Gateway.SecretKey, stdout + stderr);
            Assert.False(workspace.IsMounted);
            Assert.False(File.Exists(workspace.OutsideFile("app-started")));
            // The workspace's paths differ from one run to the next: the lines are compared without them.
            lines[signature] = line.Replace(workspace.Mount, "MOUNT", StringComparison.Ordinal);
        }
        Assert.Equal(lines["v4"], lines["v2"]);
    }
}
