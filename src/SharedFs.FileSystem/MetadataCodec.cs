using System.Globalization;
using SharedFs.Fuse;
using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>
/// Reads and writes POSIX attributes in the user metadata s3fs uses (x-amz-meta-mode/uid/gid/mtime/ctime/atime).
/// s3fs 1.90 writes the full st_mode for files and symlinks (0640 file → 33184) but bare permissions for
/// directory markers (0755 → 493); both are accepted. Times are epoch seconds, optionally with nanoseconds.
/// </summary>
internal static class MetadataCodec
{
    public const string Mode = "mode", Uid = "uid", Gid = "gid", MTime = "mtime", CTime = "ctime", ATime = "atime";

    /// <summary>Decodes a HEAD answer. <paramref name="directory"/>: the key ends with '/' or is a legacy folder marker.</summary>
    public static NodeInfo Decode(ObjectInfo info, bool directory, DirectoryForm form, uint defaultUid, uint defaultGid)
    {
        var meta = info.Metadata;
        var lastModified = TimeSpec.FromDateTimeOffset(info.LastModified);
        uint? mode = TryGetUInt(meta, Mode);
        var kind = directory ? NodeKind.Directory
            : mode is { } m && (m & FileMode.TypeMask) == FileMode.SymbolicLink ? NodeKind.SymbolicLink
            : mode is { } d && (d & FileMode.TypeMask) == FileMode.Directory ? NodeKind.Directory
            : NodeKind.File;
        var permissions = mode is { } p ? p & FileMode.PermissionMask
            : kind == NodeKind.Directory ? 0x1EDu /* 0755 */ : kind == NodeKind.SymbolicLink ? 0x1FFu : 0x1A4u /* 0644 */;
        var mtime = TryGetTime(meta, MTime) ?? lastModified;
        return new NodeInfo
        {
            Kind = kind,
            Permissions = permissions,
            Uid = TryGetUInt(meta, Uid) ?? defaultUid,
            Gid = TryGetUInt(meta, Gid) ?? defaultGid,
            Size = info.Size,
            ModifyTime = mtime,
            ChangeTime = TryGetTime(meta, CTime) ?? mtime,
            AccessTime = TryGetTime(meta, ATime) ?? mtime,
            ETag = info.ETag,
            ContentType = info.ContentType,
            DirectoryForm = kind == NodeKind.Directory ? form : DirectoryForm.None,
        };
    }

    /// <summary>A directory that exists only because keys lie below it: default attributes.</summary>
    public static NodeInfo ImplicitDirectory(DateTimeOffset? lastModified, uint uid, uint gid)
    {
        var time = TimeSpec.FromDateTimeOffset(lastModified ?? DateTimeOffset.UnixEpoch);
        return new NodeInfo
        {
            Kind = NodeKind.Directory, Permissions = 0x1ED, Uid = uid, Gid = gid, Size = 0,
            ModifyTime = time, ChangeTime = time, AccessTime = time, DirectoryForm = DirectoryForm.Implicit,
        };
    }

    /// <summary>The metadata to store with an object, in s3fs's format.</summary>
    public static Dictionary<string, string> Encode(NodeInfo node)
    {
        // s3fs writes directory markers with bare permissions and everything else with the full st_mode.
        var mode = node.Kind == NodeKind.Directory ? node.Permissions : node.Mode;
        return new Dictionary<string, string>
        {
            [Mode] = mode.ToString(CultureInfo.InvariantCulture),
            [Uid] = node.Uid.ToString(CultureInfo.InvariantCulture),
            [Gid] = node.Gid.ToString(CultureInfo.InvariantCulture),
            [MTime] = FormatTime(node.ModifyTime),
            [CTime] = FormatTime(node.ChangeTime),
            [ATime] = FormatTime(node.AccessTime),
        };
    }

    public static ObjectWriteOptions WriteOptions(NodeInfo node) => new(Encode(node), node.Kind switch
    {
        NodeKind.Directory => ObjectKeys.DirectoryContentType,
        _ => node.ContentType is { Length: > 0 } type && type != ObjectKeys.DirectoryContentType ? type : "application/octet-stream",
    });

    public static string FormatTime(TimeSpec time) => time.Nanoseconds == 0
        ? time.Seconds.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{time.Seconds}.{time.Nanoseconds:D9}");

    public static TimeSpec? ParseTime(string text)
    {
        text = text.Trim();
        var dot = text.IndexOf('.');
        var secondsText = dot < 0 ? text : text[..dot];
        if (!long.TryParse(secondsText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
            return null;
        long nanos = 0;
        if (dot >= 0)
        {
            var fraction = text[(dot + 1)..];
            if (fraction.Length > 9) fraction = fraction[..9];
            if (fraction.Length > 0 && !long.TryParse(fraction.PadRight(9, '0'), NumberStyles.None, CultureInfo.InvariantCulture, out nanos))
                return null;
        }
        return new TimeSpec(seconds, nanos);
    }

    private static TimeSpec? TryGetTime(IReadOnlyDictionary<string, string> meta, string name) =>
        Lookup(meta, name) is { } text ? ParseTime(text) : null;

    private static uint? TryGetUInt(IReadOnlyDictionary<string, string> meta, string name) =>
        Lookup(meta, name) is { } text && uint.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? Lookup(IReadOnlyDictionary<string, string> meta, string name)
    {
        if (meta.TryGetValue(name, out var value)) return value;
        foreach (var (key, v) in meta)
        {
            // Be lenient about how the store spelled the names (case, a left-over prefix).
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase) || key.Equals("x-amz-meta-" + name, StringComparison.OrdinalIgnoreCase))
                return v;
        }
        return null;
    }
}
