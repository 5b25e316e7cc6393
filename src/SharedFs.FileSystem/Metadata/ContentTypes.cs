using System.Collections.Frozen;

namespace SharedFs.FileSystem.Metadata;

/// <summary>
/// The Content-Type a new object gets from its name, as s3fs does: from /etc/mime.types when the machine has it
/// (Debian's media-types), else from a built-in table of the types web apps store. Files served straight from the
/// bucket, or by a CDN in front of it, then reach browsers with the right type.
/// </summary>
internal static class ContentTypes
{
    public const string Default = "application/octet-stream";
    private const string SystemTable = "/etc/mime.types";

    private static readonly Lazy<FrozenDictionary<string, string>> ByExtension = new(Load);

    public static string ForName(string name)
    {
        var dot = name.LastIndexOf('.');
        if (dot <= 0 || dot == name.Length - 1) return Default;
        return ByExtension.Value.GetValueOrDefault(name[(dot + 1)..].ToLowerInvariant(), Default);
    }

    private static FrozenDictionary<string, string> Load()
    {
        var table = new Dictionary<string, string>(BuiltIn, StringComparer.Ordinal);
        if (!File.Exists(SystemTable)) return table.ToFrozenDictionary(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(SystemTable))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            for (var i = 1; i < fields.Length; i++) table[fields[i].ToLowerInvariant()] = fields[0];
        }
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static readonly Dictionary<string, string> BuiltIn = new(StringComparer.Ordinal)
    {
        ["jpg"] = "image/jpeg", ["jpeg"] = "image/jpeg", ["png"] = "image/png", ["gif"] = "image/gif", ["webp"] = "image/webp",
        ["svg"] = "image/svg+xml", ["ico"] = "image/vnd.microsoft.icon", ["avif"] = "image/avif", ["bmp"] = "image/bmp",
        ["tif"] = "image/tiff", ["tiff"] = "image/tiff", ["pdf"] = "application/pdf", ["zip"] = "application/zip",
        ["gz"] = "application/gzip", ["tar"] = "application/x-tar", ["json"] = "application/json", ["xml"] = "application/xml",
        ["js"] = "text/javascript", ["mjs"] = "text/javascript", ["css"] = "text/css", ["html"] = "text/html", ["htm"] = "text/html",
        ["txt"] = "text/plain", ["csv"] = "text/csv", ["md"] = "text/markdown", ["mp4"] = "video/mp4", ["webm"] = "video/webm",
        ["mov"] = "video/quicktime", ["mp3"] = "audio/mpeg", ["ogg"] = "audio/ogg", ["wav"] = "audio/wav", ["woff"] = "font/woff",
        ["woff2"] = "font/woff2", ["ttf"] = "font/ttf", ["otf"] = "font/otf", ["doc"] = "application/msword",
        ["docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ["xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ["pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    };
}
