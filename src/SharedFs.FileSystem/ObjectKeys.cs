using System.Text;

namespace SharedFs.FileSystem;

/// <summary>Maps filesystem paths to bucket keys the way s3fs does, and tells which keys can be file names.</summary>
internal static class ObjectKeys
{
    public const int MaxNameBytes = 255;
    /// <summary>Legacy directory markers written by old S3 tools ("dir_$folder$").</summary>
    public const string FolderSuffix = "_$folder$";
    public const string DirectoryContentType = "application/x-directory";

    /// <summary>"/a/b" → "a/b"; "/" → "".</summary>
    public static string FileKey(string path) => path.TrimStart('/');

    /// <summary>"/a/b" → "a/b/" (the directory marker and the prefix of its children); "/" → "".</summary>
    public static string DirectoryKey(string path)
    {
        var key = FileKey(path);
        return key.Length == 0 ? "" : key + "/";
    }

    public static string ParentPath(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static string Combine(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    public static bool IsRoot(string path) => path == "/";

    /// <summary>True when some component of the path is longer than NAME_MAX bytes.</summary>
    public static bool HasTooLongName(string path)
    {
        foreach (var part in path.Split('/'))
        {
            if (Encoding.UTF8.GetByteCount(part) > MaxNameBytes) return true;
        }
        return false;
    }

    /// <summary>A listing entry name that can appear in a directory (not empty, not "." or "..", short enough).</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && name != "." && name != ".." && !name.Contains('/') && !name.Contains('\0')
        && Encoding.UTF8.GetByteCount(name) <= MaxNameBytes;

    /// <summary>True when <paramref name="descendant"/> is <paramref name="ancestor"/> or lies below it.</summary>
    public static bool IsSameOrBelow(string descendant, string ancestor) =>
        descendant == ancestor || ancestor == "/" || descendant.StartsWith(ancestor + "/", StringComparison.Ordinal);
}
