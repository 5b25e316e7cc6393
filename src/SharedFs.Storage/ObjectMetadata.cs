using Amazon.S3.Model;

namespace SharedFs.Storage;

/// <summary>User metadata between our form (lower-case names without "x-amz-meta-") and the SDK's.</summary>
internal static class ObjectMetadata
{
    private const string Prefix = "x-amz-meta-";

    public static IReadOnlyDictionary<string, string> Read(MetadataCollection? metadata)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is null) return result;
        foreach (var name in metadata.Keys)
        {
            var bare = name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? name[Prefix.Length..] : name;
            result[bare.ToLowerInvariant()] = metadata[name];
        }
        return result;
    }

    /// <summary>The SDK adds the prefix itself; names are lower-cased so that they read back the same.</summary>
    public static void Write(MetadataCollection target, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (name, value) in metadata)
            target[name.ToLowerInvariant()] = value;
    }

    public static IReadOnlyDictionary<string, string> Copy(IReadOnlyDictionary<string, string> metadata) =>
        metadata.ToDictionary(pair => pair.Key.ToLowerInvariant(), pair => pair.Value, StringComparer.Ordinal);
}
