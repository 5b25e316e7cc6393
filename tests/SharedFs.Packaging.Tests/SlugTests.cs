using SharedFs.Packaging.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Packaging.Tests;

/// <summary>
/// A slug made by the buildpack, started as the platform starts it (HOME = the app, .profile.d sourced), runs
/// its web command through sharedfs-init with a real mount of a real bucket. Needs the filesystem.
/// </summary>
public sealed class SlugTests(TestBucket bucket) : IClassFixture<TestBucket>, IDisposable
{
    private readonly TempDirectory _temp = new("sharedfs-slug-test");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_slug_runs_its_app_with_public_system_linked_into_the_bucket_and_ships_its_files_there()
    {
        Requirements.DevFuse();
        var build = _temp.Combine("build");
        var mount = _temp.Combine("storage");
        Directory.CreateDirectory(Path.Combine(build, "public", "system"));
        File.WriteAllText(Path.Combine(build, "Procfile"), "web: sharedfs-init -- sh -c 'ls public/system'\n");
        File.WriteAllText(Path.Combine(build, "public", "system", "shipped.txt"), "shipped with the slug\n");
        var env = _temp.Combine("env");
        Directory.CreateDirectory(env);
        File.WriteAllText(Path.Combine(env, "SCALINGO_SHAREDFS_CREDENTIALS"), bucket.Credentials);
        File.WriteAllText(Path.Combine(env, "SCALINGO_SHAREDFS_SYMLINKS"), "public/system");
        // The platform's own libfuse3 is used first; this checks the copy beside the binary does no harm.
        File.WriteAllText(Path.Combine(env, "SHAREDFS_VENDOR_LIBFUSE"), "always");

        var compile = await Shell.RunAsync(BuildpackArtifact.Script("compile"), [build, _temp.Combine("cache"), env]);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        Assert.DoesNotContain(bucket.Gateway.SecretKey, compile.AllOutput);

        using var cleanup = MountCleanup.For(mount);
        var run = await Shell.BashAsync("""
            cd "$HOME"
            for script in .profile.d/*.sh; do . "$script"; done
            exec sharedfs-init -- sh -c 'ls public/system; test -L public/system; echo "from the app" > public/system/from-app.txt'
            """, new Dictionary<string, string?>
            {
                ["HOME"] = build,
                ["PATH"] = "/usr/bin:/bin",
                ["SCALINGO_SHAREDFS_CREDENTIALS"] = bucket.Credentials,
                ["SCALINGO_SHAREDFS_SYMLINKS"] = "public/system",
                ["SHAREDFS_ENDPOINT"] = bucket.Gateway.Endpoint.ToString(),
                ["SHAREDFS_REGION"] = bucket.Gateway.Region,
                ["SHAREDFS_MOUNT"] = mount,
                ["SHAREDFS_STAGING_DIR"] = _temp.Combine("staging"),
            }, timeout: TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("shipped.txt", run.StandardOutput);
        Assert.NotNull(new FileInfo(Path.Combine(build, "public", "system")).LinkTarget);
        Assert.False(MountCleanup.IsMounted(mount), "the mount is still there after sharedfs-init exited");
        var keys = await bucket.ListKeysAsync();
        Assert.Contains("public/system/shipped.txt", keys);
        Assert.Contains("public/system/from-app.txt", keys);
        Assert.Equal("shipped with the slug\n", await bucket.GetTextAsync("public/system/shipped.txt"));
        Assert.Equal("from the app\n", await bucket.GetTextAsync("public/system/from-app.txt"));
    }
}
