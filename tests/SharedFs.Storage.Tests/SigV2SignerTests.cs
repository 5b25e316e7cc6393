using System.Text;
using SharedFs.Storage.Http;

namespace SharedFs.Storage.Tests;

/// <summary>
/// The SigV2 signer against vectors derived from the algorithm by hand. Every expected signature was computed
/// outside .NET with OpenSSL from the string to sign shown next to it:
///   printf '%s' "$STRING_TO_SIGN" | openssl dgst -sha1 -hmac 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' -binary | base64
/// The first one is also the worked example of AWS's V2 documentation (same key, same signature), which shows that
/// the OpenSSL computation is the one the servers make. The gateway tests (SigV2GatewayTests) prove the rest.
/// </summary>
public sealed class SigV2SignerTests
{
    private const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string Date = "Fri, 24 May 2013 00:00:00 GMT";

    private static SortedDictionary<string, string> Sign(S3Request request, string path, string? virtualHostBucket = null)
    {
        var headers = new SortedDictionary<string, string>(request.Headers, StringComparer.Ordinal);
        var signer = new SigV2Signer(AccessKey, SecretKey, () => new DateTime(2013, 5, 24, 0, 0, 0, DateTimeKind.Utc));
        signer.Sign(new SigningRequest(request, "s3.example.com", path, virtualHostBucket, headers));
        return headers;
    }

    private static string StringToSign(S3Request request, SortedDictionary<string, string> headers, string path, string? virtualHostBucket = null) =>
        SigV2Signer.StringToSign(request.Method.Method, headers, SigV2Signer.CanonicalResource(path, virtualHostBucket, request.Query));

    [Fact]
    public void The_documented_get_object_example_gives_the_documented_signature()
    {
        var headers = new Dictionary<string, string> { ["date"] = "Tue, 27 Mar 2007 19:36:42 +0000" };
        var toSign = SigV2Signer.StringToSign("GET", headers, "/johnsmith/photos/puppy.jpg");
        Assert.Equal("GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg", toSign);
        Assert.Equal("bWq2s1WEIj+Ydj0vQ697zp+IXMU=", Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData(
            Encoding.UTF8.GetBytes(SecretKey), Encoding.UTF8.GetBytes(toSign))));
    }

    [Fact]
    public void An_upload_part_signs_the_encoded_key_and_its_sub_resources_and_sends_the_date_as_x_amz_date()
    {
        var request = new S3Request(HttpMethod.Put, "my file+1.bin").With("partNumber", "2").With("uploadId", "VXBsb2FkIElE")
            .Body(new ByteArrayContent([1, 2, 3]), 3);
        var path = "/examplebucket/" + S3Transport.EncodePath("my file+1.bin");
        var headers = Sign(request, path);
        Assert.Equal($"PUT\n\n\n\nx-amz-date:{Date}\n/examplebucket/my%20file%2B1.bin?partNumber=2&uploadId=VXBsb2FkIElE", StringToSign(request, headers, path));
        Assert.Equal(Date, headers["x-amz-date"]);
        Assert.Equal("AWS AKIAIOSFODNN7EXAMPLE:uQAfDO8CmG/BeAU5JCP8dQsyURQ=", headers["authorization"]);
    }

    [Fact]
    public void A_batch_delete_signs_its_content_md5_and_content_type()
    {
        var request = new S3Request(HttpMethod.Post).With("delete").SignedBody([], "application/xml")
            .Header("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg==");
        var headers = Sign(request, "/examplebucket");
        Assert.Equal($"POST\n1B2M2Y8AsgTpgAmY7PhCfg==\napplication/xml\n\nx-amz-date:{Date}\n/examplebucket?delete", StringToSign(request, headers, "/examplebucket"));
        Assert.Equal("AWS AKIAIOSFODNN7EXAMPLE:IalBhoNVpt//I6xQAaYub1C60uo=", headers["authorization"]);
    }

    [Fact]
    public void Listing_parameters_are_not_sub_resources_and_stay_out_of_the_signature()
    {
        var request = new S3Request(HttpMethod.Get).With("list-type", "2").With("prefix", "a b/").With("delimiter", "/")
            .With("max-keys", "1000").With("encoding-type", "url").With("continuation-token", "tok+en=");
        var headers = Sign(request, "/examplebucket");
        Assert.Equal($"GET\n\n\n\nx-amz-date:{Date}\n/examplebucket", StringToSign(request, headers, "/examplebucket"));
        Assert.Equal("AWS AKIAIOSFODNN7EXAMPLE:TLpMrjqr3KPLhUqymx6gOfHo8EI=", headers["authorization"]);
    }

    [Fact]
    public void Amz_headers_are_signed_sorted_and_trimmed_with_the_content_type()
    {
        var request = new S3Request(HttpMethod.Put, "dst")
            .Header("x-amz-metadata-directive", "REPLACE").Header("x-amz-copy-source", "/examplebucket/src%20key")
            .Header("content-type", "text/plain").Metadata(new Dictionary<string, string> { ["Mode"] = " 33188 " })
            .Header("range", "bytes=0-9"); // not an x-amz-* header: not signed by V2
        var headers = Sign(request, "/examplebucket/dst");
        Assert.Equal("PUT\n\ntext/plain\n\n" +
                     "x-amz-copy-source:/examplebucket/src%20key\n" +
                     $"x-amz-date:{Date}\n" +
                     "x-amz-meta-mode:33188\n" +
                     "x-amz-metadata-directive:REPLACE\n" +
                     "/examplebucket/dst", StringToSign(request, headers, "/examplebucket/dst"));
        Assert.Equal("AWS AKIAIOSFODNN7EXAMPLE:dU2KRakP6N5MYGECY1a+KwbOaY0=", headers["authorization"]);
    }

    [Fact]
    public void A_virtual_host_request_puts_the_bucket_back_in_front_of_the_resource()
    {
        var request = new S3Request(HttpMethod.Get);
        var headers = Sign(request, "/", virtualHostBucket: "examplebucket");
        Assert.Equal($"GET\n\n\n\nx-amz-date:{Date}\n/examplebucket/", StringToSign(request, headers, "/", "examplebucket"));
        Assert.Equal("AWS AKIAIOSFODNN7EXAMPLE:XlD2/RyF5rQo+532zwJvi7gwWl0=", headers["authorization"]);
    }

    [Fact]
    public void Response_overrides_and_version_ids_are_signed_with_their_values_not_encoded()
    {
        var request = new S3Request(HttpMethod.Get, "photo.jpg").With("versionId", "3/L4kqtJl40").With("response-content-type", "text/plain; charset=utf-8");
        var headers = Sign(request, "/examplebucket/photo.jpg");
        Assert.EndsWith("/examplebucket/photo.jpg?response-content-type=text/plain; charset=utf-8&versionId=3/L4kqtJl40",
            StringToSign(request, headers, "/examplebucket/photo.jpg"));
        Assert.Equal("AWS AKIAIOSFODNN7EXAMPLE:Lmeg1E+KfEdLwznm4rtUdbsL7qs=", headers["authorization"]);
    }

    [Theory]
    [InlineData("acl")]
    [InlineData("uploads")]
    [InlineData("versioning")]
    [InlineData("torrent")]
    public void A_sub_resource_without_a_value_is_signed_as_its_bare_name(string name) =>
        Assert.Equal($"/b/k?{name}", SigV2Signer.CanonicalResource("/b/k", null, [(name, null), ("x-id", "ignored")]));

    [Fact]
    public void No_payload_hash_is_sent_nor_computed_with_v2()
    {
        var request = new S3Request(HttpMethod.Post, "k").With("uploadId", "u").SignedBody(Encoding.UTF8.GetBytes("<CompleteMultipartUpload/>"), "application/xml");
        var headers = Sign(request, "/examplebucket/k");
        Assert.DoesNotContain("x-amz-content-sha256", headers.Keys);
        Assert.StartsWith("AWS ", headers["authorization"]);
    }

    [Fact]
    public void The_store_options_pick_the_signer()
    {
        var options = new S3StoreOptions { Endpoint = new Uri("http://127.0.0.1/"), AccessKeyId = "a", SecretAccessKey = "s", Bucket = "b" };
        Assert.IsType<SigV4Signer>(IRequestSigner.For(options));
        Assert.IsType<SigV2Signer>(IRequestSigner.For(options with { Signature = SignatureVersion.V2 }));
    }
}
