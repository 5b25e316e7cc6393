using System.Runtime.CompilerServices;
using Amazon.S3.Model;

namespace SharedFs.Storage;

public sealed partial class S3ObjectStore
{
    /// <summary>Set once the server refused ListObjectsV2: listings then use V1 with markers.</summary>
    private volatile bool _listV1Only;

    /// <summary>
    /// ListObjectsV2 page. V1 is used for the store's lifetime once V2 is answered NotImplemented (or InvalidArgument
    /// on a first page: old servers take list-type=2 for a bad argument). The token is opaque to callers either way.
    /// </summary>
    public async Task<ListPage> ListPageAsync(string prefix, string? delimiter, string? continuationToken, int maxKeys = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 1);
        if (!_listV1Only)
        {
            try
            {
                return await ListV2Async(prefix, delimiter, continuationToken, maxKeys, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageException e) when (e.Kind == StorageErrorKind.NotImplemented || (e.ServerCode == "InvalidArgument" && continuationToken is null))
            {
                _listV1Only = true;
            }
        }
        return await ListV1Async(prefix, delimiter, continuationToken, maxKeys, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<ListPage> ListAllAsync(string prefix, string? delimiter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await ListPageAsync(prefix, delimiter, token, 1000, cancellationToken).ConfigureAwait(false);
            yield return page;
            token = page.NextContinuationToken;
        } while (token is not null);
    }

    private async Task<ListPage> ListV2Async(string prefix, string? delimiter, string? continuationToken, int maxKeys, CancellationToken cancellationToken)
    {
        return await _retry.ExecuteAsync("ListObjectsV2", $"'{Bucket}/{prefix}'", async token =>
        {
            var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix, MaxKeys = maxKeys };
            if (delimiter is not null) request.Delimiter = delimiter;
            if (continuationToken is not null) request.ContinuationToken = continuationToken;
            var response = await _client.ListObjectsV2Async(request, token).ConfigureAwait(false);
            var next = response.IsTruncated == true ? response.NextContinuationToken : null;
            return new ListPage(Summaries(response.S3Objects), response.CommonPrefixes ?? [], next);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ListPage> ListV1Async(string prefix, string? delimiter, string? marker, int maxKeys, CancellationToken cancellationToken)
    {
        return await _retry.ExecuteAsync("ListObjects", $"'{Bucket}/{prefix}'", async token =>
        {
            var request = new ListObjectsRequest { BucketName = Bucket, Prefix = prefix, MaxKeys = maxKeys };
            if (delimiter is not null) request.Delimiter = delimiter;
            if (marker is not null) request.Marker = marker;
            var response = await _client.ListObjectsAsync(request, token).ConfigureAwait(false);
            var objects = Summaries(response.S3Objects);
            var prefixes = response.CommonPrefixes ?? [];
            string? next = null;
            if (response.IsTruncated == true)
            {
                // NextMarker comes only with a delimiter; otherwise the last key is the marker. Either way: the larger.
                next = response.NextMarker;
                foreach (var candidate in objects.Select(o => o.Key).Concat(prefixes))
                {
                    if (next is null || string.CompareOrdinal(candidate, next) > 0) next = candidate;
                }
            }
            return new ListPage(objects, prefixes, next);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static List<ObjectSummary> Summaries(List<S3Object>? objects) =>
        (objects ?? []).Select(o => new ObjectSummary(o.Key, o.Size ?? 0, ToOffset(o.LastModified), o.ETag)).ToList();
}
