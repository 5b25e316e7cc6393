using System.Diagnostics;

namespace SharedFs.Init.Tests.Support;

/// <summary>
/// A real system user made for one test with useradd: its own group, one supplementary group, a home that does
/// not exist (nothing is created on disk). Removed with both groups when disposed. Needs root and the shadow tools.
/// </summary>
internal sealed class TestAccount : IDisposable
{
    private bool _userMade, _extraMade;

    public TestAccount()
    {
        SharedFs.TestSupport.Requirements.Root();
        foreach (string tool in new[] { "useradd", "userdel", "groupadd", "groupdel", "id", "getent" })
            SharedFs.TestSupport.Requirements.Program(tool);
        string suffix = Guid.NewGuid().ToString("N")[..8];
        Name = "sfsu" + suffix;
        ExtraGroup = "sfsg" + suffix;
        Home = "/nonexistent/" + Name;
        try
        {
            Run("groupadd", "--system", ExtraGroup);
            _extraMade = true;
            Run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", Home, "--shell", "/usr/sbin/nologin",
                "--groups", ExtraGroup, Name);
            _userMade = true;
            Uid = uint.Parse(Run("id", "-u", Name));
            Gid = uint.Parse(Run("id", "-g", Name));
            ExtraGid = uint.Parse(Run("getent", "group", ExtraGroup).Split(':')[2]);
        }
        catch (Exception)
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }
    public string ExtraGroup { get; }
    public string Home { get; }
    public uint Uid { get; }
    public uint Gid { get; }
    public uint ExtraGid { get; }

    /// <summary>userdel also removes the user's own group (USERGROUPS_ENAB, Debian's default).</summary>
    public void Dispose()
    {
        var failures = new List<Exception>();
        void Remove(ref bool made, string program, string name)
        {
            if (!made) return;
            try { Run(program, name); made = false; }
            catch (InvalidOperationException e) { failures.Add(e); }
        }
        Remove(ref _userMade, "userdel", Name);
        Remove(ref _extraMade, "groupdel", ExtraGroup);
        if (failures.Count > 0) throw new AggregateException("the test account was not removed", failures);
    }

    private static string Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        return stdout.Trim();
    }
}
