using System.Diagnostics;
using SharedFs.Init.Commands;
using SharedFs.Init.Users;

namespace SharedFs.Init.Supervision;

/// <summary>
/// Starts the app through this same executable in exec-child mode. System.Diagnostics.Process is used on purpose:
/// as PID 1 the runtime reaps every child on SIGCHLD and keeps the exit status only for the children it started.
/// </summary>
internal sealed class AppLauncher(string executable, IReadOnlyList<string> prefixArgs)
{
    /// <summary>The running binary: the NativeAOT executable or apphost, or "dotnet sharedfs-init.dll".</summary>
    public static AppLauncher ForThisProcess()
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find the sharedfs-init executable");
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
            return new AppLauncher(path, [Path.Combine(AppContext.BaseDirectory, "sharedfs-init.dll")]);
        return new AppLauncher(path, []);
    }

    /// <param name="user">Who the app runs as (the exec child switches just before the exec); null: as the init.</param>
    public Process Start(IReadOnlyList<string> command, bool singleChild, AppUser? user = null)
    {
        var info = new ProcessStartInfo(executable) { UseShellExecute = false };
        foreach (string arg in prefixArgs) info.ArgumentList.Add(arg);
        info.ArgumentList.Add(ArgumentParser.ExecChildFlag);
        if (singleChild) info.ArgumentList.Add("--single-child");
        if (user is not null)
        {
            info.ArgumentList.Add(ArgumentParser.ChildIdsOption);
            info.ArgumentList.Add(user.Ids.Format());
            user.DescribeIn(info.Environment);
        }
        info.ArgumentList.Add("--");
        foreach (string arg in command) info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
    }
}
