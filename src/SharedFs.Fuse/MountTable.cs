using System.Text;
using SharedFs.Fuse.Native;

namespace SharedFs.Fuse;

/// <summary>One line of /proc/self/mountinfo, reduced to what the binding uses.</summary>
internal readonly record struct MountEntry(string MountPoint, string FsType, string Source, string Device)
{
    public bool IsFuse => FsType == "fuse" || FsType == "fuseblk" || FsType.StartsWith("fuse.", StringComparison.Ordinal);
}

/// <summary>Queries and repairs the kernel's mount table (Linux /proc/self/mountinfo).</summary>
public static class MountTable
{
    private const string MountInfoPath = "/proc/self/mountinfo";

    /// <summary>True when the mount on top of exactly <paramref name="path"/> is a FUSE filesystem.</summary>
    public static bool IsFuseMount(string path) => Find(path) is { IsFuse: true };

    /// <summary>
    /// Makes <paramref name="path"/> usable again after a FUSE server died without unmounting: a mount whose
    /// stat fails with ENOTCONN ("Transport endpoint is not connected") is detached lazily. Returns true when
    /// no dead mount is left there (also when there was none); false with <paramref name="error"/> when the
    /// dead mount could not be detached or a live FUSE filesystem is mounted there (another instance).
    /// </summary>
    public static bool TryClearStaleMount(string path, out string? error)
    {
        string full = Normalize(path);
        int errno = LibC.ProbeErrno(full);
        if (!IsDead(full, errno))
        {
            error = errno == 0 && IsFuseMount(full)
                ? $"a live FUSE filesystem is mounted at '{full}' (is another instance running?)"
                : null;
            return error == null;
        }
        if (LibC.Umount2(full, LibC.MNT_DETACH) == 0)
        {
            error = null;
            return true;
        }
        error = $"could not detach the dead FUSE mount at '{full}': {LibC.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}";
        return false;
    }

    /// <summary>
    /// A FUSE mount whose server is gone answers ENOTCONN, but its root's attributes may still be cached by
    /// the kernel for a while: a lookup of a never-used name always reaches the (dead) connection.
    /// </summary>
    internal static bool IsDead(string full, int rootErrno)
    {
        if (rootErrno == LibC.ENOTCONN) return true;
        if (rootErrno != 0 || !IsFuseMount(full)) return false;
        return LibC.ProbeErrno(Path.Combine(full, ".sharedfs-liveness-" + Guid.NewGuid().ToString("N"))) == LibC.ENOTCONN;
    }

    /// <summary>The top-most mount at exactly this path, if any.</summary>
    internal static MountEntry? Find(string path)
    {
        string full = Normalize(path);
        MountEntry? found = null;
        foreach (var entry in Read())
            if (entry.MountPoint == full) found = entry; // later lines are stacked on top of earlier ones
        return found;
    }

    internal static IEnumerable<MountEntry> Read() => Parse(File.ReadAllLines(MountInfoPath));

    /// <summary>mountinfo: "id parent major:minor root mountpoint options [optional…] - fstype source superopts".</summary>
    internal static IEnumerable<MountEntry> Parse(IEnumerable<string> lines)
    {
        foreach (string line in lines)
        {
            string[] fields = line.Split(' ');
            if (fields.Length < 10) continue;
            int separator = Array.IndexOf(fields, "-", 6);
            if (separator < 0 || separator + 2 >= fields.Length) continue;
            yield return new MountEntry(Unescape(fields[4]), Unescape(fields[separator + 1]),
                Unescape(fields[separator + 2]), fields[2]);
        }
    }

    /// <summary>The kernel writes space, tab, newline and backslash in mount paths as \ooo octal escapes.</summary>
    internal static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var bytes = new List<byte>(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                bytes.Add(Convert.ToByte(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string text, int start)
    {
        if (start + 3 > text.Length) return false;
        for (int i = start; i < start + 3; i++)
            if (text[i] < '0' || text[i] > '7') return false;
        return true;
    }

    /// <summary>Absolute, without a trailing slash, symlinks left as given (a dead mount cannot be resolved).</summary>
    internal static string Normalize(string path)
    {
        string full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }
}
