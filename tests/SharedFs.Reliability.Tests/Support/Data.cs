using System.Security.Cryptography;

namespace SharedFs.Reliability.Tests.Support;

/// <summary>Deterministic test contents and their hashes.</summary>
internal static class Data
{
    /// <summary>Pseudo-random bytes fully determined by the seed, so any version of a file can be recomputed.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static string Sha(ReadOnlySpan<byte> data) => Convert.ToHexString(SHA256.HashData(data));

    public static async Task<string> ShaOfStreamAsync(Stream stream)
    {
        using var sha = SHA256.Create();
        return Convert.ToHexString(await sha.ComputeHashAsync(stream));
    }

    /// <summary>Mixed sizes, mostly small: 80 % up to 64 KiB, 18 % up to 512 KiB, 2 % up to 4 MiB (a few empty).</summary>
    public static int MixedSize(Random random) => random.Next(100) switch
    {
        0 => 0,
        < 80 => random.Next(1, 64 * 1024),
        < 98 => random.Next(64 * 1024, 512 * 1024),
        _ => random.Next(512 * 1024, 4 * 1024 * 1024),
    };
}
