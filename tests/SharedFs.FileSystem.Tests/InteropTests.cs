using System.Security.Cryptography;
using SharedFs.TestSupport;

namespace SharedFs.FileSystem.Tests;

/// <summary>The same bucket through the real s3fs and s3cmd: both directions read right.</summary>
public sealed class InteropTests(MountedBucket fs) : IClassFixture<MountedBucket>
{
    private static async Task<string> StatAsync(string path) => (await Shell.RunAsync($"stat -c '%a %u %g %Y %s %F' '{path}'")).Trim();

    /// <summary>Mounts the bucket with s3fs for the duration of <paramref name="body"/>.</summary>
    private async Task WithS3fsAsync(Func<string, Task> body)
    {
        Requirements.Program("s3fs");
        using var folder = new TempDirectory("sharedfs-s3fs");
        var mountPoint = folder.Combine("mnt");
        Directory.CreateDirectory(mountPoint);
        var passwd = folder.Combine("passwd");
        File.WriteAllText(passwd, $"{fs.Bucket.Gateway.AccessKey}:{fs.Bucket.Gateway.SecretKey}");
        File.SetUnixFileMode(passwd, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var cleanup = MountCleanup.For(mountPoint);
        await Shell.RunAsync($"s3fs {fs.Bucket.Name} '{mountPoint}' -o url={fs.Bucket.Gateway.Endpoint.ToString().TrimEnd('/')} " +
            $"-o use_path_request_style -o passwd_file='{passwd}' -o stat_cache_expire=1");
        try { await body(mountPoint); }
        finally { MountCleanup.UnmountEverything(mountPoint); }
    }

    // s3fs 1.90 ignores `touch -m` (a utimensat with UTIME_OMIT): set both times there.
    [Fact]
    public async Task Files_made_by_s3fs_read_right_through_our_mount()
    {
        await WithS3fsAsync(async s3fs =>
        {
            await Shell.RunAsync($"mkdir -p '{s3fs}/from-s3fs/sub' && echo 'made by s3fs' > '{s3fs}/from-s3fs/file.txt' " +
                $"&& chmod 640 '{s3fs}/from-s3fs/file.txt' && chown 1001:1002 '{s3fs}/from-s3fs/file.txt' " +
                $"&& touch -d '2020-01-02 03:04:05 UTC' '{s3fs}/from-s3fs/file.txt' && chmod 711 '{s3fs}/from-s3fs/sub' " +
                $"&& ln -s file.txt '{s3fs}/from-s3fs/link'");
        });
        Assert.Equal("640 1001 1002 1577934245 13 regular file", await StatAsync(fs.PathOf("from-s3fs/file.txt")));
        Assert.Equal("made by s3fs\n", await File.ReadAllTextAsync(fs.PathOf("from-s3fs/file.txt")));
        Assert.StartsWith("711 ", await StatAsync(fs.PathOf("from-s3fs/sub")));
        Assert.EndsWith("directory", await StatAsync(fs.PathOf("from-s3fs/sub")));
        Assert.Equal("file.txt", new FileInfo(fs.PathOf("from-s3fs/link")).LinkTarget);
    }

    [Fact]
    public async Task Files_made_by_our_mount_read_right_through_s3fs()
    {
        Directory.CreateDirectory(fs.PathOf("from-us/sub"));
        await File.WriteAllTextAsync(fs.PathOf("from-us/file.txt"), "made by sharedfs");
        await Shell.RunAsync($"chmod 600 '{fs.PathOf("from-us/file.txt")}' && chown 2001:2002 '{fs.PathOf("from-us/file.txt")}' " +
            $"&& touch -m -d '2021-03-04 05:06:07 UTC' '{fs.PathOf("from-us/file.txt")}' && chmod 750 '{fs.PathOf("from-us/sub")}'");
        File.CreateSymbolicLink(fs.PathOf("from-us/link"), "file.txt");
        fs.Sync();
        await WithS3fsAsync(async s3fs =>
        {
            Assert.Equal("600 2001 2002 1614834367 16 regular file", await StatAsync($"{s3fs}/from-us/file.txt"));
            Assert.Equal("made by sharedfs", await File.ReadAllTextAsync($"{s3fs}/from-us/file.txt"));
            Assert.StartsWith("750 ", await StatAsync($"{s3fs}/from-us/sub"));
            Assert.Equal("file.txt", new FileInfo($"{s3fs}/from-us/link").LinkTarget);
        });
    }

    [Fact]
    public async Task S3cmd_put_appears_and_our_files_get_byte_identical()
    {
        var s3cmd = new S3Cmd(fs.Bucket.Gateway);
        using var local = new TempDirectory("sharedfs-s3cmd");
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        File.WriteAllBytes(local.Combine("up.bin"), data);
        await s3cmd.RunAsync("put", local.Combine("up.bin"), $"s3://{fs.Bucket.Name}/s3cmd/dir/up.bin");
        Assert.Equal(data, await File.ReadAllBytesAsync(fs.PathOf("s3cmd/dir/up.bin")));

        await File.WriteAllBytesAsync(fs.PathOf("s3cmd/ours.bin"), data);
        fs.Sync();
        await s3cmd.RunAsync("get", $"s3://{fs.Bucket.Name}/s3cmd/ours.bin", local.Combine("down.bin"));
        Assert.Equal(data, await File.ReadAllBytesAsync(local.Combine("down.bin")));
    }
}
