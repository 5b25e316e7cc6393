using System.Text;

namespace SharedFs.FileSystem.Metadata;

/// <summary>The s3fs key layout: which keys can be file names, and the key forms a directory can take.</summary>
internal static class ObjectKeys
{
    public const int MaxNameBytes = 255;
    /// <summary>S3's longest key.</summary>
    public const int MaxKeyBytes = 1024;
    /// <summary>Legacy directory markers written by old S3 tools ("dir_$folder$").</summary>
    public const string FolderSuffix = "_$folder$";
    public const string DirectoryContentType = "application/x-directory";

    /// <summary>"a" in "dir" → "dir/a"; in the root → "a".</summary>
    public static string Child(string directoryKey, string name) => directoryKey.Length == 0 ? name : directoryKey + "/" + name;

    /// <summary>A listing entry name that can appear in a directory (not empty, not "." or "..", short enough).</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && name != "." && name != ".." && !name.Contains('/') && !name.Contains('\0')
        && Encoding.UTF8.GetByteCount(name) <= MaxNameBytes;

    /// <summary>ENAMETOOLONG for a name over 255 bytes, or a key (with the directory marker's slash) over 1024.</summary>
    public static bool IsTooLong(string name, string key) =>
        Encoding.UTF8.GetByteCount(name) > MaxNameBytes || Encoding.UTF8.GetByteCount(key) + 1 > MaxKeyBytes;
}
