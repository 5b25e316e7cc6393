namespace SharedFs.Init.Configuration;

/// <summary>
/// "ACCESS_KEY_ID:SECRET_KEY:BUCKET". The access key ends at the first ':', the bucket starts after the last ':'
/// (bucket names cannot contain ':'), and the secret is everything in between, so a secret may contain ':'.
/// The secret never appears in <see cref="ToString"/> nor in any parse error.
/// </summary>
internal sealed record S3Credentials(string AccessKeyId, string SecretAccessKey, string Bucket)
{
    /// <summary>Returns null and a reason (free of any part of the value) when the text is malformed.</summary>
    public static S3Credentials? TryParse(string text, out string? problem)
    {
        int first = text.IndexOf(':');
        int last = text.LastIndexOf(':');
        if (first < 0 || first == last)
        {
            problem = "expected three parts ACCESS_KEY_ID:SECRET_KEY:BUCKET separated by ':'";
            return null;
        }
        string accessKey = text[..first], secret = text[(first + 1)..last], bucket = text[(last + 1)..];
        problem = accessKey.Length == 0 ? "the access key id (before the first ':') is empty"
            : accessKey.Any(char.IsWhiteSpace) ? "the access key id contains white space"
            : secret.Length == 0 ? "the secret key (between the first and the last ':') is empty"
            // Not quoted here: when the bucket was left out and the secret holds a ':', the "bucket" is the secret's tail.
            : BucketNameRule.Check(bucket)?.Replace($"\"{bucket}\"", "(the part after the last ':')", StringComparison.Ordinal);
        return problem is null ? new S3Credentials(accessKey, secret, bucket) : null;
    }

    public override string ToString() => $"S3Credentials {{ AccessKeyId = {AccessKeyId}, Bucket = {Bucket}, SecretAccessKey = *** }}";
}
