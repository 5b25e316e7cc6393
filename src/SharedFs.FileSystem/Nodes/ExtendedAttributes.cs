using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace SharedFs.FileSystem.Nodes;

/// <summary>
/// A node's extended attributes, stored as s3fs stores them: the x-amz-meta-xattr header holds a URL-encoded JSON
/// object mapping each name to its base64 value. Immutable: a change makes a new set.
/// </summary>
internal sealed class ExtendedAttributes
{
    public static readonly ExtendedAttributes None = new(ImmutableSortedDictionary<string, byte[]>.Empty.WithComparers(StringComparer.Ordinal));

    private ExtendedAttributes(ImmutableSortedDictionary<string, byte[]> values) => Values = values;

    public ImmutableSortedDictionary<string, byte[]> Values { get; }
    public bool IsEmpty => Values.IsEmpty;

    public ExtendedAttributes With(string name, byte[] value) => new(Values.SetItem(name, value));
    public ExtendedAttributes Without(string name) => new(Values.Remove(name));

    /// <summary>The names, each followed by a NUL byte (listxattr's answer).</summary>
    public byte[] NameList()
    {
        var builder = new StringBuilder();
        foreach (var name in Values.Keys) builder.Append(name).Append('\0');
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>The header value; null when there is nothing to store.</summary>
    public string? Encode()
    {
        if (IsEmpty) return null;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, value) in Values) json.WriteString(name, Convert.ToBase64String(value));
            json.WriteEndObject();
        }
        return Uri.EscapeDataString(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Reads what s3fs (or SharedFs) wrote; a header that cannot be read counts as none.</summary>
    public static ExtendedAttributes Decode(string? header)
    {
        if (string.IsNullOrEmpty(header)) return None;
        try
        {
            using var document = JsonDocument.Parse(Uri.UnescapeDataString(header));
            var values = ImmutableSortedDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
                values[property.Name] = Convert.FromBase64String(property.Value.GetString() ?? "");
            return new ExtendedAttributes(values.ToImmutable());
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            FsLog.Warn($"ignoring an x-amz-meta-xattr header that is not s3fs's JSON: {e.Message}");
            return None;
        }
    }
}
