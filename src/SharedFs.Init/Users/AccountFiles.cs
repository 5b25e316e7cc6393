namespace SharedFs.Init.Users;

/// <summary>One line of /etc/passwd: what the app's user needs of it.</summary>
internal sealed record PasswdEntry(string Name, uint Uid, uint Gid, string Home);

/// <summary>One line of /etc/group.</summary>
internal sealed record GroupEntry(string Name, uint Gid, IReadOnlyList<string> Members);

/// <summary>
/// /etc/passwd and /etc/group read as files, as gosu does, rather than through NSS: in a container these files are
/// the accounts, and reading them needs no libc structures (nothing to get wrong under NativeAOT). Lines that are
/// not well formed (comments, NIS "+" entries, a bad number) are skipped, as glibc's files backend skips them.
/// A missing file has no entries.
/// </summary>
internal sealed class AccountFiles(string passwdPath, string groupPath)
{
    public static AccountFiles System { get; } = new("/etc/passwd", "/etc/group");

    public string PasswdPath => passwdPath;
    public string GroupPath => groupPath;

    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    public IEnumerable<PasswdEntry> Users() =>
        Lines(passwdPath, 7).Where(f => IsId(f[2]) && IsId(f[3]))
            .Select(f => new PasswdEntry(f[0], uint.Parse(f[2]), uint.Parse(f[3]), f[5]));

    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    public IEnumerable<GroupEntry> Groups() =>
        Lines(groupPath, 4).Where(f => IsId(f[2]))
            .Select(f => new GroupEntry(f[0], uint.Parse(f[2]), f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));

    /// <summary>A uid or gid as written in these files and accepted by --user: decimal, 0 to 4294967294 ((uid_t)-1 means "unchanged" to the kernel).</summary>
    public static bool TryParseId(string text, out uint id)
    {
        id = 0;
        return text.Length is > 0 and <= 10 && text.All(char.IsAsciiDigit) && uint.TryParse(text, out id) && id != uint.MaxValue;
    }

    private static bool IsId(string text) => TryParseId(text, out _);

    private static IEnumerable<string[]> Lines(string path, int fields)
    {
        if (!File.Exists(path)) return [];
        return File.ReadAllLines(path)
            .Where(line => line.Length > 0 && line[0] is not ('#' or '+' or '-'))
            .Select(line => line.Split(':'))
            .Where(f => f.Length == fields && f[0].Length > 0);
    }
}
