using System.Globalization;
using SharedFs.FileSystem.Nodes;
using SharedFs.Fuse;
using SharedFs.Storage;

namespace SharedFs.FileSystem.Metadata;

/// <summary>
/// Reads and writes POSIX attributes in the user metadata s3fs uses (x-amz-meta-mode/uid/gid/mtime/ctime/atime/rdev
/// and xattr). s3fs 1.90 writes the full st_mode for files and symlinks (0640 file → 33184) but bare permissions for
/// directory markers (0755 → 493); both are read. Times are epoch seconds, optionally with nanoseconds. Objects
/// without metadata (put by other tools) get the mount's default owner and 0644 (files) or 0755 (directories).
/// </summary>
internal sealed class MetadataCodec(uint defaultUid, uint defaultGid)
{
    public const string Mode = "mode", Uid = "uid", Gid = "gid", MTime = "mtime", CTime = "ctime", ATime = "atime",
        Device = "rdev", Xattr = "xattr";

    public uint DefaultUid => defaultUid;
    public uint DefaultGid => defaultGid;

    /// <summary>What an object's HEAD (or GET) says the name is. <paramref name="form"/>: the key form it was found under.</summary>
    public RemoteAnswer Decode(ObjectInfo info, DirectoryForm form)
    {
        var meta = info.Metadata;
        uint? mode = TryGetUInt(meta, Mode);
        var directory = form != DirectoryForm.None
                        || (mode is { } m && (m & FileMode.TypeMask) == FileMode.Directory)
                        || IsDirectoryContentType(info.ContentType);
        var kind = directory ? NodeKind.Directory : NodeKinds.FromMode(mode ?? FileMode.Regular);
        if (directory && form == DirectoryForm.None) form = DirectoryForm.PlainObject;
        var permissions = mode is { } p ? p & FileMode.PermissionMask : DefaultPermissions(kind);
        var lastModified = TimeSpec.FromDateTimeOffset(info.LastModified);
        var mtime = TryGetTime(meta, MTime) ?? lastModified;
        var attributes = new NodeAttributes(permissions, TryGetUInt(meta, Uid) ?? defaultUid, TryGetUInt(meta, Gid) ?? defaultGid,
            info.Size, mtime, TryGetTime(meta, CTime) ?? mtime, TryGetTime(meta, ATime) ?? mtime, TryGetULong(meta, Device) ?? 0);
        var version = new RemoteVersion(info.ETag, info.Size, info.LastModified, info.ContentType, kind == NodeKind.Directory ? form : DirectoryForm.None);
        return new RemoteAnswer(kind, attributes, version, ExtendedAttributes.Decode(Lookup(meta, Xattr)));
    }

    /// <summary>A directory that exists only because keys lie below it: default attributes, dated by a child if known.</summary>
    public RemoteAnswer ImplicitDirectory(DateTimeOffset? lastModified)
    {
        var time = TimeSpec.FromDateTimeOffset(lastModified ?? DateTimeOffset.UnixEpoch);
        var attributes = new NodeAttributes(DefaultPermissions(NodeKind.Directory), defaultUid, defaultGid, 0, time, time, time);
        return new RemoteAnswer(NodeKind.Directory, attributes,
            new RemoteVersion(null, 0, lastModified ?? DateTimeOffset.UnixEpoch, null, DirectoryForm.Implicit), ExtendedAttributes.None);
    }

    public static uint DefaultPermissions(NodeKind kind) => kind switch
    {
        NodeKind.Directory => 0x1ED,    // 0755
        NodeKind.SymbolicLink => 0x1FF, // 0777
        _ => 0x1A4,                     // 0644
    };

    /// <summary>The metadata to store with an object, in s3fs's format.</summary>
    public static Dictionary<string, string> Encode(NodeKind kind, NodeAttributes attributes, ExtendedAttributes xattrs)
    {
        // s3fs writes directory markers with bare permissions and everything else with the full st_mode.
        var mode = kind == NodeKind.Directory ? attributes.Permissions : kind.TypeBits() | attributes.Permissions;
        var metadata = new Dictionary<string, string>
        {
            [Mode] = mode.ToString(CultureInfo.InvariantCulture),
            [Uid] = attributes.Uid.ToString(CultureInfo.InvariantCulture),
            [Gid] = attributes.Gid.ToString(CultureInfo.InvariantCulture),
            [MTime] = FormatTime(attributes.ModifyTime),
            [CTime] = FormatTime(attributes.ChangeTime),
            [ATime] = FormatTime(attributes.AccessTime),
        };
        if (kind is NodeKind.CharacterDevice or NodeKind.BlockDevice) metadata[Device] = attributes.Device.ToString(CultureInfo.InvariantCulture);
        if (xattrs.Encode() is { } encoded) metadata[Xattr] = encoded;
        return metadata;
    }

    /// <summary>Metadata and Content-Type of an object written for this node (a kept type, else one from the name).</summary>
    public static ObjectWriteOptions WriteOptions(NodeKind kind, NodeAttributes attributes, ExtendedAttributes xattrs, string name, string? keptContentType) =>
        new(Encode(kind, attributes, xattrs), kind switch
        {
            NodeKind.Directory => ObjectKeys.DirectoryContentType,
            NodeKind.File => keptContentType is { Length: > 0 } kept && !IsDirectoryContentType(kept) ? kept : ContentTypes.ForName(name),
            _ => "application/octet-stream",
        });

    private static bool IsDirectoryContentType(string? contentType) =>
        contentType is not null && contentType.StartsWith(ObjectKeys.DirectoryContentType, StringComparison.OrdinalIgnoreCase);

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

    private static ulong? TryGetULong(IReadOnlyDictionary<string, string> meta, string name) =>
        Lookup(meta, name) is { } text && ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

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
