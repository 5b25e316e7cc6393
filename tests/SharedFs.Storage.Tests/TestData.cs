using System.Security.Cryptography;
using Amazon.S3;

namespace SharedFs.Storage.Tests;

internal static class TestData
{
    public const int MiB = 1024 * 1024;

    /// <summary>Reproducible pseudo-random bytes (a seed per test keeps failures repeatable).</summary>
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    /// <summary>The object's bytes as the plain AWSSDK client reads them (not through the store under test).</summary>
    public static async Task<byte[]> GetBytesAsync(AmazonS3Client client, string bucket, string key)
    {
        using var response = await client.GetObjectAsync(bucket, key);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Options for the store with a small, fast failure budget.</summary>
    public static S3StoreOptions Fast(this S3StoreOptions options) => options with
    {
        RequestTimeout = TimeSpan.FromSeconds(5),
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
    };
}
