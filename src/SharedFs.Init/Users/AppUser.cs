namespace SharedFs.Init.Users;

/// <summary>
/// The user the app runs as (SHAREDFS_USER): its ids, and its name and home when /etc/passwd has it.
/// A numeric uid without an entry has no name and the home "/", as with gosu and su-exec.
/// </summary>
internal sealed record AppUser(ProcessIds Ids, string? Name, string Home)
{
    /// <summary>
    /// HOME, USER and LOGNAME describe the user the app runs as, not root: HOME is always the user's (as gosu and
    /// su-exec set it), USER and LOGNAME its name, removed when it has none rather than left saying "root".
    /// </summary>
    public void DescribeIn(IDictionary<string, string?> environment)
    {
        environment["HOME"] = Home;
        foreach (string variable in new[] { "USER", "LOGNAME" })
        {
            if (Name is null) environment.Remove(variable);
            else environment[variable] = Name;
        }
    }

    public override string ToString() => Name is null ? Ids.ToString() : $"{Name} ({Ids})";
}
