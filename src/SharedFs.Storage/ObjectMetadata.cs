using System.Net.Http.Headers;

namespace SharedFs.Storage;

/// <summary>User metadata between our form (lower-case names without "x-amz-meta-") and HTTP headers.</summary>
internal static class ObjectMetadata
{
    private const string Prefix = "x-amz-meta-";

    public static IReadOnlyDictionary<string, string> Read(HttpResponseHeaders headers)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in headers.NonValidated)
        {
            if (!name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) continue;
            result[name[Prefix.Length..].ToLowerInvariant()] = string.Join(',', values);
        }
        return result;
    }

    public static IReadOnlyDictionary<string, string> Copy(IReadOnlyDictionary<string, string> metadata) =>
        metadata.ToDictionary(pair => pair.Key.ToLowerInvariant(), pair => pair.Value, StringComparer.Ordinal);
}
