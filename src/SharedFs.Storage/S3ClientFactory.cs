namespace SharedFs.Storage;

/// <summary>The HTTP client every request of a store goes through.</summary>
internal static class S3ClientFactory
{
    /// <summary>
    /// One HttpClient for the store's lifetime. Connections stay alive between requests; the pool is sized for
    /// the FUSE threads each running up to Parallelism parts at once, plus the background uploads. TLS uses the
    /// system trust store, to which SSL_CERT_FILE and SSL_CERT_DIR add (OpenSSL's variables, which .NET reads on
    /// Linux; AWS_CA_BUNDLE, which trips some clients, is not read). <paramref name="certificates"/> only records
    /// why a certificate was refused; the decision stays the platform's.
    /// </summary>
    public static HttpClient CreateHttpClient(S3StoreOptions options, Http.CertificateRecorder certificates)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(64, options.Parallelism * 16),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50), // below the usual 60 s server keep-alive
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),     // pick up DNS changes eventually
            ConnectTimeout = options.RequestTimeout < TimeSpan.FromSeconds(10) ? options.RequestTimeout : TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = certificates.Validate;
        // Each attempt is cancelled by RetryPolicy; the HttpClient timeout is only a backstop.
        return new HttpClient(handler) { Timeout = options.RequestTimeout + TimeSpan.FromSeconds(5) };
    }
}
