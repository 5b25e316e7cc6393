using SharedFs.Storage.Http;

namespace SharedFs.Storage.Tests;

/// <summary>
/// The signer against the worked examples of AWS's S3 documentation ("Signature Calculations for the
/// Authorization Header: Transferring Payload in a Single Chunk"): same keys, date and requests, same signatures.
/// The gateway tests prove the rest (every request of the suite is signed by it and checked by Ceph).
/// </summary>
public sealed class SigV4SignerTests
{
    private static SigV4Signer ExampleSigner() =>
        new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", () => new DateTime(2013, 5, 24, 0, 0, 0, DateTimeKind.Utc));

    private static string Sign(string method, string path, string query, SortedDictionary<string, string> headers)
    {
        ExampleSigner().Sign(method, "examplebucket.s3.amazonaws.com", path, query, headers, SigV4Signer.EmptyPayloadHash);
        return headers["authorization"];
    }

    [Fact]
    public void Get_object_with_a_range_matches_the_documented_signature()
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["range"] = "bytes=0-9" };
        var authorization = Sign("GET", "/test.txt", "", headers);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
                     "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, " +
                     "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", authorization);
        Assert.Equal("20130524T000000Z", headers["x-amz-date"]);
    }

    [Fact]
    public void A_subresource_query_matches_the_documented_signature()
    {
        var authorization = Sign("GET", "/", "lifecycle=", new SortedDictionary<string, string>(StringComparer.Ordinal));
        Assert.EndsWith("SignedHeaders=host;x-amz-content-sha256;x-amz-date, " +
                        "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543", authorization);
    }

    [Fact]
    public void A_listing_query_matches_the_documented_signature()
    {
        var authorization = Sign("GET", "/", "max-keys=2&prefix=J", new SortedDictionary<string, string>(StringComparer.Ordinal));
        Assert.EndsWith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7", authorization);
    }

    [Fact]
    public void A_request_signed_through_the_signer_interface_matches_the_documented_listing_signature()
    {
        var request = new S3Request(HttpMethod.Get).With("prefix", "J").With("max-keys", "2");
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        ((IRequestSigner)ExampleSigner()).Sign(new SigningRequest(request, "examplebucket.s3.amazonaws.com", "/", "examplebucket", headers));
        Assert.EndsWith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7", headers["authorization"]);
        Assert.Equal(SigV4Signer.EmptyPayloadHash, headers["x-amz-content-sha256"]);
    }

    [Fact]
    public void Streamed_bodies_go_unsigned_and_small_bodies_are_hashed()
    {
        Assert.Equal(SigV4Signer.UnsignedPayload, SigV4Signer.PayloadHashOf(new S3Request(HttpMethod.Put, "k").Body(new ByteArrayContent([1]), 1)));
        // printf '' | sha256sum, and printf 'abc' | sha256sum
        Assert.Equal(SigV4Signer.EmptyPayloadHash, SigV4Signer.PayloadHashOf(new S3Request(HttpMethod.Get, "k")));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            SigV4Signer.PayloadHashOf(new S3Request(HttpMethod.Post, "k").SignedBody("abc"u8.ToArray(), "application/xml")));
    }

    [Theory]
    [InlineData("plain/key.txt", "plain/key.txt")]
    [InlineData("a b+c", "a%20b%2Bc")]
    [InlineData("100%?#;", "100%25%3F%23%3B")]
    [InlineData("été/ü", "%C3%A9t%C3%A9/%C3%BC")]
    [InlineData("tilde~under_score-dot.", "tilde~under_score-dot.")]
    public void Keys_are_encoded_byte_by_byte_keeping_slashes(string key, string encoded) =>
        Assert.Equal(encoded, S3Transport.EncodePath(key));

    [Fact]
    public void Query_values_encode_slashes_too() => Assert.Equal("a%2Fb%3D", S3Transport.Encode("a/b="));
}
