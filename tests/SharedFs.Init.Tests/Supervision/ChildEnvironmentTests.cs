using SharedFs.Init.Tests.Support;

namespace SharedFs.Init.Tests.Supervision;

/// <summary>What the app starts with: clean signal state, the init's directory and environment; exec failures.</summary>
public sealed class ChildEnvironmentTests
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task App_starts_with_no_blocked_and_no_ignored_signal(InitMode mode)
    {
        var (exit, stdout, stderr) = await RunningInit.RunAsync(mode, ["--no-mount", "--", "grep", "-E", "SigBlk|SigIgn", "/proc/self/status"]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("SigBlk:\t0000000000000000", stdout);
        Assert.Contains("SigIgn:\t0000000000000000", stdout);
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task App_keeps_the_working_directory_and_the_environment(InitMode mode)
    {
        string directory = Directory.CreateTempSubdirectory("sharedfs-init-cwd-").FullName;
        var (exit, stdout, stderr) = await RunningInit.RunAsync(mode, ["--no-mount", "--", "sh", "-c", "pwd; echo \"$MY_VAR\""],
            new Dictionary<string, string> { ["MY_VAR"] = "hello world" }, directory);
        Assert.True(exit == 0, stderr);
        Assert.Equal([directory, "hello world"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task App_is_a_session_leader_unless_single_child(InitMode mode)
    {
        // Field 6 of /proc/self/stat is the session id: equal to the pid for a session leader.
        const string Script = "set -- $(cat /proc/$$/stat); [ \"$1\" = \"$6\" ] && echo leader || echo member";
        var grouped = await RunningInit.RunAsync(mode, ["--no-mount", "--", "sh", "-c", Script]);
        var single = await RunningInit.RunAsync(mode, ["--no-mount", "--single-child", "--", "sh", "-c", Script]);
        Assert.Equal("leader", grouped.Stdout.Trim());
        Assert.Equal("member", single.Stdout.Trim());
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task Missing_command_exits_127_naming_it(InitMode mode)
    {
        var (exit, _, stderr) = await RunningInit.RunAsync(mode, ["--no-mount", "--", "no-such-command-xyz", "arg"]);
        Assert.Equal(127, exit);
        Assert.Contains("sharedfs-init: no-such-command-xyz: command not found", stderr);
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public async Task Non_executable_file_exits_126_naming_it(InitMode mode)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("sharedfs-init-x-").FullName, "not-executable");
        File.WriteAllText(file, "#!/bin/sh\necho hi\n");
        var (exit, _, stderr) = await RunningInit.RunAsync(mode, ["--no-mount", "--", file]);
        Assert.Equal(126, exit);
        Assert.Contains($"sharedfs-init: {file}: permission denied", stderr);
    }
}
