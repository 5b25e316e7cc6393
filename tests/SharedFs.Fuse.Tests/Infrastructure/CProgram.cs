using CliWrap;
using CliWrap.Buffered;

namespace SharedFs.Fuse.Tests.Infrastructure;

/// <summary>Compiles a C source against the installed libfuse3 headers at test time (cached per run).</summary>
internal static class CProgram
{
    private static readonly string Directory = Path.Combine(Path.GetTempPath(), "sharedfs-fuse-tests-c", Environment.ProcessId.ToString());
    private static readonly Lock Gate = new();

    public static string? FindCompiler() =>
        new[] { "cc", "gcc", "clang" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    /// <summary>Returns the path of the executable built from <paramref name="source"/>.</summary>
    public static string Build(string name, string source, bool linkFuse)
    {
        lock (Gate)
        {
            System.IO.Directory.CreateDirectory(Directory);
            string exe = Path.Combine(Directory, name);
            if (File.Exists(exe)) return exe;
            string src = exe + ".c";
            File.WriteAllText(src, source);
            var args = new List<string> { "-O0", "-D_FILE_OFFSET_BITS=64", "-DFUSE_USE_VERSION=312", "-I/usr/include/fuse3", "-o", exe, src };
            if (linkFuse) args.Add("-l:libfuse3.so.3");
            var result = Cli.Wrap(FindCompiler() ?? "cc").WithArguments(args).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync().GetAwaiter().GetResult();
            if (result.ExitCode != 0)
                Assert.Fail($"compiling {name} failed:\n{result.StandardError}");
            return exe;
        }
    }
}
