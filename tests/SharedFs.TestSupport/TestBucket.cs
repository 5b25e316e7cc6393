using Amazon.S3;
using Amazon.S3.Model;
using SharedFs.Storage;
using Xunit;

namespace SharedFs.TestSupport;

/// <summary>
/// A fresh, empty bucket on the Ceph gateway: use as an xunit class fixture (IClassFixture&lt;TestBucket&gt;)
/// for one bucket per test class, or create one directly in a test. Emptied and deleted afterwards.
/// </summary>
public sealed class TestBucket : IAsyncLifetime, IAsyncDisposable
{
    public CephGateway Gateway { get; } = CephGateway.Instance;
    public string Name { get; } = "t-" + Guid.NewGuid().ToString("N")[..20];
    public AmazonS3Client Client { get; }

    public TestBucket() => Client = Gateway.CreateClient();

    /// <summary>Options for the project's own storage layer pointing at this bucket.</summary>
    public S3StoreOptions StoreOptions => new()
    {
        Endpoint = Gateway.Endpoint,
        Region = Gateway.Region,
        AccessKeyId = Gateway.AccessKey,
        SecretAccessKey = Gateway.SecretKey,
        Bucket = Name,
        PathStyle = true,
    };

    /// <summary>The value of SCALINGO_SHAREDFS_CREDENTIALS for this bucket.</summary>
    public string Credentials => $"{Gateway.AccessKey}:{Gateway.SecretKey}:{Name}";

    public async Task InitializeAsync() => await Client.PutBucketAsync(new PutBucketRequest { BucketName = Name });

    public async Task<List<string>> ListKeysAsync(string prefix = "")
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Name, Prefix = prefix };
        ListObjectsV2Response response;
        do
        {
            response = await Client.ListObjectsV2Async(request);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = response.NextContinuationToken;
        } while (response.IsTruncated == true);
        return keys;
    }

    public async Task PutTextAsync(string key, string text, IDictionary<string, string>? metadata = null)
    {
        var request = new PutObjectRequest { BucketName = Name, Key = key, ContentBody = text };
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
            request.Metadata[name] = value;
        await Client.PutObjectAsync(request);
    }

    public async Task<string> GetTextAsync(string key)
    {
        using var response = await Client.GetObjectAsync(Name, key);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>The object's bytes as a plain S3 client reads them, or null when there is no such key.</summary>
    public async Task<byte[]?> TryGetBytesAsync(string key)
    {
        try
        {
            using var response = await Client.GetObjectAsync(Name, key);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy);
            return copy.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var chunk in (await ListKeysAsync()).Chunk(1000))
                await Client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = Name, Objects = chunk.Select(k => new KeyVersion { Key = k }).ToList() });
            await Client.DeleteBucketAsync(Name);
        }
        catch (AmazonS3Exception)
        {
            // Best effort: the cluster is thrown away at the end of the run anyway.
        }
        Client.Dispose();
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
}
