namespace SharedFs.Init.Supervision;

/// <summary>The two fields of /proc/PID/stat the reaper needs. The command name may contain spaces and ')'.</summary>
internal readonly record struct ProcStat(int Pid, char State, int ParentPid)
{
    public static ProcStat? TryRead(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        int close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length) return null;
        string[] rest = text[(close + 2)..].Split(' ');
        return rest.Length >= 2 && int.TryParse(rest[1], out int ppid) ? new ProcStat(pid, rest[0][0], ppid) : null;
    }
}
