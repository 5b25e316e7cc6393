using System.Text;

namespace SharedFs.Posix.Tests;

/// <summary>Names that cannot be stored, hard links, special files, and files unlinked while open.</summary>
public sealed class NameAndSpecialFileTests(PosixMount m) : IClassFixture<PosixMount>
{
    private const int ENAMETOOLONG = 36, EPERM = 1;

    [Fact]
    public async Task A_name_over_255_bytes_and_a_key_over_1024_bytes_are_ENAMETOOLONG()
    {
        var dir = m.Folder();
        Assert.Equal(ENAMETOOLONG, (await Probe.AsRootAsync("open", Path.Combine(dir, new string('n', 256)), "creat")).Errno);
        Assert.Equal(ENAMETOOLONG, (await Probe.AsRootAsync("mkdir", Path.Combine(dir, new string('n', 256)), "755")).Errno);
        var deep = dir;
        for (var i = 0; i < 4; i++)
        {
            deep = Path.Combine(deep, new string((char)('a' + i), 250));
            Directory.CreateDirectory(deep);
        }
        // Four 250-byte levels and the test folder: one more name passes S3's 1024-byte keys.
        Assert.Equal(ENAMETOOLONG, (await Probe.AsRootAsync("open", Path.Combine(deep, new string('z', 60)), "creat")).Errno);
        Assert.Equal(ENAMETOOLONG, (await Probe.AsRootAsync("mkdir", Path.Combine(deep, new string('z', 60)), "755")).Errno);
    }

    [Fact]
    public async Task Hard_links_are_EPERM()
    {
        var file = Path.Combine(m.Folder(), "one");
        await File.WriteAllTextAsync(file, "1");
        Assert.Equal(EPERM, (await Probe.AsRootAsync("link", file, file + ".two")).Errno);
    }

    [Fact]
    public async Task A_fifo_made_on_the_mount_carries_data_between_two_processes()
    {
        var fifo = Path.Combine(m.Folder(), "pipe");
        Assert.Equal(0, (await Probe.AsRootAsync("mkfifo", fifo)).Errno);
        var (mode, _, _, _, _, _) = Probe.Fields((await Probe.AsRootAsync("stat", fifo)).Output);
        Assert.Equal(0x1000u, mode & 0xF000); // S_IFIFO
        var reader = Probe.AsRootAsync("read", fifo);
        Assert.Equal(0, (await Probe.AsRootAsync("write", fifo, "through the pipe")).Errno);
        Assert.Equal((0, "through the pipe"), await reader);
        var stored = await m.Bucket.Client.GetObjectMetadataAsync(m.Bucket.Name, Path.GetFileName(Path.GetDirectoryName(fifo)) + "/pipe");
        Assert.Equal("4516", stored.Metadata["x-amz-meta-mode"]); // S_IFIFO | 0644, as s3fs stores it
    }

    [Fact]
    public async Task A_character_device_keeps_its_numbers()
    {
        var device = Path.Combine(m.Folder(), "null");
        Assert.Equal(0, (await Probe.AsRootAsync("mknod-char", device, "1", "3")).Errno);
        var listing = await Shell.RunAsync("ls", "-l", device);
        Assert.StartsWith("c", listing);
        Assert.Contains("1, 3", listing);
    }

    [Fact]
    public async Task A_file_unlinked_while_open_answers_fstat_and_reads_until_its_last_close()
    {
        var file = Path.Combine(m.Folder(), "temp");
        var script = $"import os\nfd=os.open('{file}', os.O_CREAT|os.O_RDWR, 0o600)\nos.write(fd, b'scratch data')\nos.unlink('{file}')\n" +
                     "st=os.fstat(fd)\nprint(st.st_size, os.pread(fd, 100, 0).decode(), os.path.exists('" + file + "'))\nos.close(fd)\n";
        var output = await Shell.RunAsync("python3", "-c", script);
        Assert.Equal("12 scratch data False", output.Trim());
        Assert.Empty(await m.Bucket.ListKeysAsync(Path.GetFileName(Path.GetDirectoryName(file)) + "/temp"));
    }

    [Fact]
    public async Task Extended_attributes_round_trip_and_are_stored_as_s3fs_stores_them()
    {
        var file = Path.Combine(m.Folder(), "tagged");
        await File.WriteAllTextAsync(file, "x");
        Assert.Equal(0, (await Probe.AsRootAsync("setxattr", file, "user.origin", "camera")).Errno);
        Assert.Equal((0, "camera"), await Probe.AsRootAsync("getxattr", file, "user.origin"));
        var stored = await m.Bucket.Client.GetObjectMetadataAsync(m.Bucket.Name, Path.GetFileName(Path.GetDirectoryName(file)) + "/tagged");
        var json = Uri.UnescapeDataString(stored.Metadata["x-amz-meta-xattr"]);
        Assert.Equal("{\"user.origin\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("camera")) + "\"}", json);
    }
}
