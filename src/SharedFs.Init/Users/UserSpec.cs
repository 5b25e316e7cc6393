namespace SharedFs.Init.Users;

/// <summary>
/// "USER[:GROUP]", each a name or a number, resolved against the account files the way gosu and su-exec do:
/// <list type="bullet">
/// <item>USER alone: the user's primary group from /etc/passwd, plus every group of /etc/group that lists its name
/// (what initgroups(3) gives a login);</item>
/// <item>USER:GROUP: exactly that group, no supplementary ones (an explicit group means that group);</item>
/// <item>a numeric USER is looked up by uid; without an entry it has no group of its own, so GROUP is then required
/// (su-exec would keep root's group 0, which would hand the app root's group files).</item>
/// </list>
/// </summary>
internal static class UserSpec
{
    /// <summary>Null and a one-line reason (the value may be quoted: it is not secret) when it cannot be used.</summary>
    public static AppUser? TryResolve(string text, AccountFiles files, out string? problem)
    {
        try { return Resolve(text, files, out problem); }
        catch (IOException e)
        {
            problem = $"cannot read the account files: {e.Message}";
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            problem = $"cannot read the account files: {e.Message}";
            return null;
        }
    }

    private static AppUser? Resolve(string text, AccountFiles files, out string? problem)
    {
        string[] parts = text.Split(':');
        problem = parts.Length > 2 ? $"\"{text}\" has {parts.Length} parts; expected USER or USER:GROUP"
            : parts[0].Length == 0 ? $"\"{text}\": the user (before the ':') is empty"
            : parts.Length == 2 && parts[1].Length == 0 ? $"\"{text}\": the group (after the ':') is empty; leave out the ':' for the user's own groups"
            : null;
        if (problem is not null) return null;
        string user = parts[0];
        string? group = parts.Length == 2 ? parts[1] : null;

        PasswdEntry? entry;
        uint uid;
        if (user.All(char.IsAsciiDigit))
        {
            if (!AccountFiles.TryParseId(user, out uid))
            {
                problem = $"\"{user}\" is not a valid uid (0 to 4294967294)";
                return null;
            }
            entry = files.Users().FirstOrDefault(u => u.Uid == uid);
        }
        else
        {
            entry = files.Users().FirstOrDefault(u => u.Name == user);
            if (entry is null)
            {
                problem = $"there is no user \"{user}\" in {files.PasswdPath}; give one of its names or a numeric uid";
                return null;
            }
            uid = entry.Uid;
        }

        uint gid;
        List<uint> groups;
        if (group is null)
        {
            if (entry is null)
            {
                problem = $"uid {uid} has no entry in {files.PasswdPath}, hence no group: add one after a ':' ({uid}:{uid})";
                return null;
            }
            gid = entry.Gid;
            groups = [gid, .. files.Groups().Where(g => g.Members.Contains(entry.Name)).Select(g => g.Gid)];
        }
        else
        {
            if (group.All(char.IsAsciiDigit))
            {
                if (!AccountFiles.TryParseId(group, out gid))
                {
                    problem = $"\"{group}\" is not a valid gid (0 to 4294967294)";
                    return null;
                }
            }
            else if (files.Groups().FirstOrDefault(g => g.Name == group) is { } found)
            {
                gid = found.Gid;
            }
            else
            {
                problem = $"there is no group \"{group}\" in {files.GroupPath}; give one of its names or a numeric gid";
                return null;
            }
            groups = [gid];
        }
        return new AppUser(new ProcessIds(uid, gid, groups.Distinct().ToList()), entry?.Name, entry is { Home.Length: > 0 } ? entry.Home : "/");
    }
}
