using System.Globalization;

namespace SharedFs.Init.Users;

/// <summary>
/// The credentials the app runs with. The init resolves them from the configuration and hands them to the exec child
/// as one argument, "UID:GID:G1,G2,...", so the child applies numbers only and never reads the account files.
/// </summary>
internal sealed record ProcessIds(uint Uid, uint Gid, IReadOnlyList<uint> Groups)
{
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Uid}:{Gid}:{string.Join(',', Groups)}");

    public static ProcessIds? TryParse(string text)
    {
        string[] parts = text.Split(':');
        if (parts.Length != 3 || !AccountFiles.TryParseId(parts[0], out uint uid) || !AccountFiles.TryParseId(parts[1], out uint gid)) return null;
        var groups = new List<uint>();
        foreach (string group in parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!AccountFiles.TryParseId(group, out uint id)) return null;
            groups.Add(id);
        }
        return new ProcessIds(uid, gid, groups);
    }

    public override string ToString() => $"uid {Uid}, gid {Gid}, groups {(Groups.Count == 0 ? "none" : string.Join(',', Groups))}";
}
