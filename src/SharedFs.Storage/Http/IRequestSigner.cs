namespace SharedFs.Storage.Http;

/// <summary>
/// One way of signing S3 requests (SigV4 or SigV2), picked once per store from <see cref="S3StoreOptions.Signature"/>.
/// </summary>
internal interface IRequestSigner
{
    /// <summary>Server time minus local time, learnt from a RequestTimeTooSkewed answer.</summary>
    TimeSpan ClockOffset { get; set; }

    /// <summary>Adds the date and Authorization headers (and whatever else the scheme needs) to <see cref="SigningRequest.Headers"/>.</summary>
    void Sign(SigningRequest request);

    static IRequestSigner For(S3StoreOptions options) => options.Signature switch
    {
        SignatureVersion.V2 => new SigV2Signer(options.AccessKeyId, options.SecretAccessKey),
        _ => new SigV4Signer(options.AccessKeyId, options.SecretAccessKey, options.Region),
    };
}

/// <summary>
/// A request as it goes on the wire: <paramref name="Host"/> and the encoded <paramref name="Path"/> exactly as sent,
/// <paramref name="VirtualHostBucket"/> when the bucket is in the host name rather than the path, and every header
/// (lower-case names, Content-Type and Content-MD5 included) in <paramref name="Headers"/>, which the signer adds to.
/// </summary>
internal sealed record SigningRequest(S3Request Request, string Host, string Path, string? VirtualHostBucket, SortedDictionary<string, string> Headers);
