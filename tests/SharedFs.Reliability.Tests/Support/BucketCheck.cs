using Amazon.S3;
using SharedFs.TestSupport;

namespace SharedFs.Reliability.Tests.Support;

/// <summary>Reads objects straight from the gateway (never through a mount or the fault proxy).</summary>
internal static class BucketCheck
{
    /// <summary>The SHA-256 of the object, or null when there is no such key.</summary>
    public static async Task<string?> ShaAsync(TestBucket bucket, string key)
    {
        try
        {
            using var response = await bucket.Client.GetObjectAsync(bucket.Name, key);
            return await Data.ShaOfStreamAsync(response.ResponseStream);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Every key with its SHA-256 (for "nothing in the bucket changed").</summary>
    public static async Task<SortedDictionary<string, string>> SnapshotAsync(TestBucket bucket)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in await bucket.ListKeysAsync())
            result[key] = await ShaAsync(bucket, key) ?? "";
        return result;
    }
}
