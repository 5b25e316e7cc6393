using SharedFs.Init.Supervision;

namespace SharedFs.Init.Tests.Support;

/// <summary>Host-side view of /proc: children of a process and their states.</summary>
internal static class ProcessTable
{
    public static IReadOnlyList<ProcStat> ChildrenOf(int parentPid)
    {
        var result = new List<ProcStat>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(System.IO.Path.GetFileName(directory), out int pid) && ProcStat.TryRead(pid) is { } stat && stat.ParentPid == parentPid)
                result.Add(stat);
        }
        return result;
    }

    public static bool IsAlive(int pid) => ProcStat.TryRead(pid) is { State: not 'Z' };
}
