using System.Net;

namespace SharedFs.Init.Configuration;

/// <summary>The S3 general-purpose bucket naming rules.</summary>
internal static class BucketNameRule
{
    /// <summary>Null when valid, otherwise why not (the bucket name is not secret, so it is quoted).</summary>
    public static string? Check(string bucket)
    {
        if (bucket.Length is < 3 or > 63) return $"bucket name \"{bucket}\" must be 3 to 63 characters long";
        if (bucket.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')))
            return $"bucket name \"{bucket}\" may only contain lower-case letters, digits, '.' and '-'";
        if (!char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1]))
            return $"bucket name \"{bucket}\" must start and end with a letter or a digit";
        if (bucket.Contains("..")) return $"bucket name \"{bucket}\" must not contain \"..\"";
        if (IPAddress.TryParse(bucket, out _) && bucket.Count(c => c == '.') == 3)
            return $"bucket name \"{bucket}\" must not look like an IP address";
        if (bucket.StartsWith("xn--", StringComparison.Ordinal) || bucket.StartsWith("sthree-", StringComparison.Ordinal))
            return $"bucket name \"{bucket}\" must not start with \"xn--\" or \"sthree-\"";
        if (bucket.EndsWith("-s3alias", StringComparison.Ordinal) || bucket.EndsWith("--ol-s3", StringComparison.Ordinal))
            return $"bucket name \"{bucket}\" must not end with \"-s3alias\" or \"--ol-s3\"";
        return null;
    }
}
