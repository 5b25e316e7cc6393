using System.Globalization;
using System.Net;
using System.Xml.Linq;

namespace SharedFs.Storage.Http;

/// <summary>
/// The few XML documents S3 answers with, read by local element names (servers differ in namespaces). Listing
/// keys are asked for URL-encoded (encoding-type=url: XML cannot carry every byte a key may hold) and decoded here.
/// </summary>
internal static class S3Xml
{
    public static XElement Parse(string body)
    {
        try
        {
            return XDocument.Parse(body).Root ?? throw new FormatException("empty XML document");
        }
        catch (System.Xml.XmlException e)
        {
            throw new S3ServiceException(HttpStatusCode.BadGateway, null, $"the server's answer is not valid XML: {e.Message}");
        }
    }

    /// <summary>A 200 answer can still carry an error (copy, multipart completion): thrown like any other error.</summary>
    public static XElement ParseResult(string body, HttpStatusCode status)
    {
        var root = Parse(body);
        if (root.Name.LocalName == "Error")
        {
            var (code, message) = Error(root);
            // Such late failures are internal errors of the server: worth a retry.
            throw new S3ServiceException(code == "InternalError" ? HttpStatusCode.InternalServerError : status, code, message);
        }
        return root;
    }

    public static (string? Code, string Message) Error(XElement root) =>
        (Child(root, "Code"), Child(root, "Message") ?? "");

    public static string? Child(XElement parent, string name) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    public static IEnumerable<XElement> Children(XElement parent, string name) =>
        parent.Elements().Where(e => e.Name.LocalName == name);

    /// <summary>A ListObjects (V1 or V2) page with encoding-type=url.</summary>
    public static (List<ObjectSummary> Objects, List<string> Prefixes, bool Truncated, string? NextToken, string? NextMarker) Listing(XElement root)
    {
        var objects = Children(root, "Contents").Select(c => new ObjectSummary(
            UrlDecode(Child(c, "Key") ?? ""),
            long.TryParse(Child(c, "Size"), CultureInfo.InvariantCulture, out var size) ? size : 0,
            Date(Child(c, "LastModified")),
            Child(c, "ETag"))).ToList();
        var prefixes = Children(root, "CommonPrefixes").Select(p => UrlDecode(Child(p, "Prefix") ?? "")).ToList();
        var truncated = string.Equals(Child(root, "IsTruncated"), "true", StringComparison.OrdinalIgnoreCase);
        var nextMarker = Child(root, "NextMarker");
        return (objects, prefixes, truncated, Child(root, "NextContinuationToken"), nextMarker is null ? null : UrlDecode(nextMarker));
    }

    public static DateTimeOffset Date(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date.ToUniversalTime() : DateTimeOffset.UtcNow;

    /// <summary>S3's encoding-type=url writes a space as '+' (a real '+' comes as %2B).</summary>
    public static string UrlDecode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    public static byte[] CompleteMultipart(IEnumerable<UploadedPart> parts)
    {
        var document = new XElement("CompleteMultipartUpload", parts.OrderBy(p => p.Number).Select(p =>
            new XElement("Part", new XElement("PartNumber", p.Number.ToString(CultureInfo.InvariantCulture)), new XElement("ETag", p.ETag))));
        return System.Text.Encoding.UTF8.GetBytes(document.ToString(SaveOptions.DisableFormatting));
    }

    public static byte[] DeleteObjects(IEnumerable<string> keys)
    {
        var document = new XElement("Delete", new XElement("Quiet", "true"),
            keys.Select(k => new XElement("Object", new XElement("Key", k))));
        return System.Text.Encoding.UTF8.GetBytes(document.ToString(SaveOptions.DisableFormatting));
    }
}
