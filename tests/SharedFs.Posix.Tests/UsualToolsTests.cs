namespace SharedFs.Posix.Tests;

/// <summary>
/// A person's usual tools (issue 15): `cp -a`, `rsync -a` and `tar -x` of one tree give on the mount what they give
/// on a local disk: the same names, types, modes, sizes, modification times (to the second, as s3fs's layout
/// keeps them), link targets and FIFOs.
/// </summary>
public sealed class UsualToolsTests(PosixMount m) : IClassFixture<PosixMount>, IDisposable
{
    private readonly string _local = Path.Combine(Path.GetTempPath(), "sharedfs-tools-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Directory.Delete(_local, recursive: true);

    public static TheoryData<string> Tools() => ["cp -a", "rsync -a", "tar -x"];

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task The_tool_makes_the_same_tree_on_the_mount_as_on_a_local_disk(string tool)
    {
        Directory.CreateDirectory(_local);
        var source = Path.Combine(_local, "source");
        await MakeTreeAsync(source);
        var onDisk = Path.Combine(_local, "copy");
        var onMount = Path.Combine(m.Folder(), "copy");

        foreach (var target in new[] { onDisk, onMount }) await CopyAsync(tool, source, target);

        var expected = await DescribeAsync(onDisk);
        Assert.True(expected.Count >= 8, $"the local copy is missing entries: {string.Join("\n", expected)}");
        Assert.Equal(expected, await DescribeAsync(onMount));
    }

    /// <summary>Files of three modes and sizes, a nested folder with its own mode, a symlink and a FIFO, all dated in the past.</summary>
    private static async Task MakeTreeAsync(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "assets", "img"));
        await File.WriteAllTextAsync(Path.Combine(root, "index.html"), "<h1>hello</h1>\n");
        await File.WriteAllBytesAsync(Path.Combine(root, "assets", "img", "logo.png"), Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray());
        await File.WriteAllTextAsync(Path.Combine(root, "run.sh"), "#!/bin/sh\necho run\n");
        await File.WriteAllTextAsync(Path.Combine(root, "secret.key"), "k");
        await File.WriteAllTextAsync(Path.Combine(root, "empty"), "");
        await Shell.RunAsync("chmod", "0755", Path.Combine(root, "run.sh"));
        await Shell.RunAsync("chmod", "0600", Path.Combine(root, "secret.key"));
        await Shell.RunAsync("chmod", "0750", Path.Combine(root, "assets"));
        await Shell.RunAsync("ln", "-s", "assets/img/logo.png", Path.Combine(root, "logo"));
        await Shell.RunAsync("mkfifo", Path.Combine(root, "pipe"));
        // Past dates, files first and folders last (as a restore leaves them), so each tool must carry them over.
        await Shell.RunAsync("sh", "-c", $"cd '{root}' && find . ! -type l ! -type d -exec touch -m -d '2024-03-01 10:00:00' {{}} + && find . -type d -exec touch -m -d '2024-02-01 09:00:00' {{}} +");
    }

    private async Task CopyAsync(string tool, string source, string target)
    {
        switch (tool)
        {
            case "cp -a":
                await Shell.RunAsync("cp", "-a", source, target);
                break;
            case "rsync -a":
                await Shell.RunAsync("rsync", "-a", source + "/", target + "/");
                break;
            default:
                var tarball = Path.Combine(_local, "tree.tar");
                if (!File.Exists(tarball)) await Shell.RunAsync("tar", "-cf", tarball, "-C", source, ".");
                Directory.CreateDirectory(target);
                await Shell.RunAsync("tar", "-xpf", tarball, "-C", target);
                break;
        }
    }

    /// <summary>One line per entry below the root: path, type, mode, size (files), mtime to the second (not for links, whose own times no tool sets), link target.</summary>
    private static async Task<List<string>> DescribeAsync(string root)
    {
        var output = await Shell.RunAsync("find", root, "-mindepth", "1", "-printf", "%P %y %m %s %TY-%Tm-%Td_%TH:%TM:%.2TS %l\\n");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Select(f => f[1] == "l" ? $"{f[0]} l {f[5]}" : f[1] == "d" ? $"{f[0]} d {f[2]} {f[4]}" : $"{f[0]} {f[1]} {f[2]} {f[3]} {f[4]}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
