using System.Security.Cryptography;
using SharedFs.Packaging.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Packaging.Tests;

/// <summary>
/// The buildpack's three scripts as the platform runs them, from the tarball `make buildpack` makes, against a
/// sample app. Nothing here mounts: these pass as soon as the binary builds.
/// </summary>
public sealed class BuildpackTests : IDisposable
{
    private const string Secret = "s3cr3t-Never-Print-Me-4242";
    private readonly TempDirectory _temp = new("sharedfs-buildpack-test");

    private string BuildDir => _temp.Combine("build");
    private string CacheDir => _temp.Combine("cache");
    private string EnvDir => _temp.Combine("env");

    public BuildpackTests()
    {
        Directory.CreateDirectory(Path.Combine(BuildDir, "public", "system"));
        Directory.CreateDirectory(CacheDir);
        Directory.CreateDirectory(EnvDir);
        File.WriteAllText(Path.Combine(BuildDir, "Procfile"), "web: sharedfs-init -- sh -c 'ls public/system'\n");
        File.WriteAllText(Path.Combine(BuildDir, "public", "system", "shipped.txt"), "shipped with the slug\n");
    }

    public void Dispose() => _temp.Dispose();

    private void SetEnv(string name, string value) => File.WriteAllText(Path.Combine(EnvDir, name), value);

    private Task<ProcessResult> CompileAsync(string? buildpack = null) =>
        Shell.RunAsync(Path.Combine(buildpack ?? BuildpackArtifact.Directory, "bin", "compile"), [BuildDir, CacheDir, EnvDir]);

    [Fact]
    public async Task Detect_accepts_any_app_and_names_SharedFs()
    {
        var result = await Shell.RunAsync(BuildpackArtifact.Script("detect"), [BuildDir]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("SharedFs", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Release_prints_yaml_with_no_addons_and_no_default_process_types()
    {
        var result = await Shell.RunAsync(BuildpackArtifact.Script("release"), [BuildDir]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["---", "addons: []", "default_process_types: {}"], result.StandardOutput.Trim().Split('\n'));
    }

    [Fact]
    public void The_tarball_holds_the_scripts_the_binary_its_checksum_and_libfuse_at_its_root()
    {
        var directory = BuildpackArtifact.Directory;

        foreach (var script in new[] { "bin/detect", "bin/compile", "bin/release", "vendor/sharedfs-init" })
            Assert.True(File.GetUnixFileMode(Path.Combine(directory, script)).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
        Assert.Equal(Sha256(PublishedBinary.Path), File.ReadAllText(Path.Combine(directory, "vendor", "sharedfs-init.sha256")).Trim());
        Assert.True(new FileInfo(Path.Combine(directory, "vendor", "libfuse3.so.3")).Length > 100_000, "vendor/libfuse3.so.3 is missing or truncated");
    }

    [Fact]
    public async Task Compile_installs_the_binary_in_the_slug_and_puts_it_on_PATH_through_profile_d()
    {
        var result = await CompileAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        var installed = Path.Combine(BuildDir, ".sharedfs", "bin", "sharedfs-init");
        Assert.Equal(Sha256(PublishedBinary.Path), Sha256(installed));
        Assert.True(File.Exists(Path.Combine(BuildDir, ".profile.d", "sharedfs.sh")));

        // What the platform does at start-up: HOME is the app's folder, every .profile.d script is sourced.
        var started = await Shell.BashAsync("""
            cd "$HOME"
            for script in .profile.d/*.sh; do . "$script"; done
            command -v sharedfs-init
            sharedfs-init --version
            """, new Dictionary<string, string?> { ["HOME"] = BuildDir, ["PATH"] = "/usr/bin:/bin" });
        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Equal(installed, started.StandardOutput.Split('\n')[0]);
        Assert.StartsWith("sharedfs-init ", started.StandardOutput.Split('\n')[1]);
    }

    [Fact]
    public async Task Compile_output_follows_the_build_log_convention()
    {
        SetEnv("SCALINGO_SHAREDFS_CREDENTIALS", "AKIAEXAMPLE:" + Secret + ":my-bucket");

        var result = await CompileAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.AllOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("-----> Installing SharedFs (sharedfs-init)", lines[0]);
        Assert.All(lines, line => Assert.True(
            line.StartsWith("-----> ", StringComparison.Ordinal) || line.StartsWith("       ", StringComparison.Ordinal) || line.StartsWith(" !     ", StringComparison.Ordinal),
            $"off-convention line: \"{line}\""));
        Assert.Contains("SCALINGO_SHAREDFS_CREDENTIALS is set (bucket my-bucket)", result.AllOutput);
        Assert.DoesNotContain(Secret, result.AllOutput);
    }

    [Fact]
    public async Task A_second_compile_takes_the_binary_from_the_cache()
    {
        var first = await CompileAsync();
        Directory.Delete(Path.Combine(BuildDir, ".sharedfs"), recursive: true);
        var second = await CompileAsync();

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Caching sharedfs-init", first.StandardOutput);
        Assert.Contains("Using the cached sharedfs-init", second.StandardOutput);
        Assert.Equal(Sha256(PublishedBinary.Path), Sha256(Path.Combine(BuildDir, ".sharedfs", "bin", "sharedfs-init")));
    }

    [Fact]
    public async Task A_buildpack_without_the_binary_reuses_the_cached_one_and_fails_clearly_without_it()
    {
        using var bare = new TempDirectory("sharedfs-bare-buildpack");
        foreach (var folder in new[] { "bin", "lib" })
            await Shell.RunAsync("cp", ["-a", Path.Combine(BuildpackArtifact.Directory, folder), bare.Path]);

        var withoutCache = await CompileAsync(bare.Path);
        Assert.Equal(1, withoutCache.ExitCode);
        Assert.Contains("make buildpack", withoutCache.AllOutput);

        Assert.Equal(0, (await CompileAsync()).ExitCode); // fills the cache
        var fromCache = await CompileAsync(bare.Path);
        Assert.True(fromCache.ExitCode == 0, fromCache.ToString());
        Assert.Contains("using the one cached by a previous build", fromCache.AllOutput);
        Assert.Equal(Sha256(PublishedBinary.Path), Sha256(Path.Combine(BuildDir, ".sharedfs", "bin", "sharedfs-init")));
    }

    [Fact]
    public async Task Libfuse_is_installed_beside_the_binary_only_when_the_stack_lacks_it_or_when_asked()
    {
        var libfuse = Path.Combine(BuildDir, ".sharedfs", "bin", "libfuse3.so.3");

        var automatic = await CompileAsync();
        Assert.True(automatic.ExitCode == 0, automatic.ToString());
        Assert.Contains("libfuse3: provided by the stack", automatic.StandardOutput); // Debian 12 with fuse3, as `make deps` sets up
        Assert.False(File.Exists(libfuse));

        SetEnv("SHAREDFS_VENDOR_LIBFUSE", "always");
        var forced = await CompileAsync();
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.True(new FileInfo(libfuse).Length > 100_000);
    }

    [Theory]
    [InlineData("no-colons-at-all", "three parts")]
    [InlineData("AKIAEXAMPLE:" + Secret, "three parts")]
    [InlineData(":" + Secret + ":my-bucket", "access key id")]
    [InlineData("AKIAEXAMPLE::my-bucket", "secret key")]
    [InlineData("AKIAEXAMPLE:" + Secret + ":My_Bucket", "bucket name")]
    [InlineData("AKIAEXAMPLE:" + Secret + ":", "bucket name")]
    public async Task Malformed_credentials_warn_without_failing_the_build_and_never_print_the_secret(string value, string problem)
    {
        SetEnv("SCALINGO_SHAREDFS_CREDENTIALS", value);

        var result = await CompileAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(" !     SCALINGO_SHAREDFS_CREDENTIALS looks wrong", result.AllOutput);
        Assert.Contains(problem, result.AllOutput);
        Assert.DoesNotContain(Secret, result.AllOutput);
        Assert.True(File.Exists(Path.Combine(BuildDir, ".sharedfs", "bin", "sharedfs-init")));
    }

    [Fact]
    public async Task A_secret_holding_colons_is_accepted_and_not_printed()
    {
        SetEnv("SCALINGO_SHAREDFS_CREDENTIALS", "AKIAEXAMPLE:" + Secret + ":with:colons:my-bucket\n");

        var result = await CompileAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("is set (bucket my-bucket)", result.AllOutput);
        Assert.DoesNotContain(Secret, result.AllOutput);
        Assert.DoesNotContain("with:colons", result.AllOutput);
    }

    [Fact]
    public async Task Missing_credentials_warn_without_failing_the_build()
    {
        var result = await CompileAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(" !     SCALINGO_SHAREDFS_CREDENTIALS is not set", result.AllOutput);
    }

    [Fact]
    public async Task The_symlinked_folders_are_reported_with_the_files_the_slug_ships_in_them()
    {
        SetEnv("SCALINGO_SHAREDFS_SYMLINKS", "public/system:wp-content/uploads:../escape");

        var result = await CompileAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("public/system: 1 file(s) in the app are moved into the shared storage at start-up", result.AllOutput);
        Assert.Contains("wp-content/uploads: linked into the shared storage at start-up", result.AllOutput);
        Assert.Contains("\"../escape\" must be a path inside the app", result.AllOutput);
    }

    internal static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
