using Amazon.Runtime;
using Amazon.S3;

namespace SharedFs.Storage;

/// <summary>Builds the AWSSDK client with the settings S3-compatible servers (Ceph RGW in particular) need.</summary>
internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3StoreOptions options, HttpClient httpClient)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = options.Endpoint.ToString(),
            AuthenticationRegion = options.Region,
            ForcePathStyle = options.PathStyle,
            UseHttp = options.Endpoint.Scheme == Uri.UriSchemeHttp,
            // Ceph RGW 16 refuses the SDK's default trailing CRC checksums on every PUT: only send them when required.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // RetryPolicy retries with the same bounds for every call, body reads included.
            MaxErrorRetry = 0,
            // The SDK would also retry resets up to 10 more times, uncounted: that would break the bounds.
            MaxStaleConnectionRetries = 0,
            Timeout = options.RequestTimeout,
            // AWS_ENDPOINT_URL and friends in the environment must not redirect us elsewhere.
            IgnoreConfiguredEndpointUrls = true,
            // Our own handler: pooled keep-alive connections, enough of them, and no AWS_CA_BUNDLE handling.
            HttpClientFactory = new SharedHttpClientFactory(httpClient),
        };
        return new AmazonS3Client(new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey), config);
    }

    /// <summary>
    /// One HttpClient for the store's lifetime. Connections stay alive between requests; the pool is sized for
    /// the FUSE threads (16) each running up to Parallelism parts at once. TLS uses the system trust store.
    /// </summary>
    public static HttpClient CreateHttpClient(S3StoreOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(32, options.Parallelism * 16),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50), // below the usual 60 s server keep-alive
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),     // pick up DNS changes eventually
            ConnectTimeout = options.RequestTimeout < TimeSpan.FromSeconds(10) ? options.RequestTimeout : TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        // Each attempt is cancelled by RetryPolicy; the HttpClient timeout is only a backstop.
        return new HttpClient(handler) { Timeout = options.RequestTimeout + TimeSpan.FromSeconds(5) };
    }

    private sealed class SharedHttpClientFactory(HttpClient client) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => client;
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
        public override string GetConfigUniqueString(IClientConfig clientConfig) => "sharedfs";
    }
}
