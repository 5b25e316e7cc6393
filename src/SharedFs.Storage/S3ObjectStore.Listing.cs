using System.Runtime.CompilerServices;
using System.Globalization;
using SharedFs.Storage.Http;

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
            var request = ListRequest(prefix, delimiter, maxKeys).With("list-type", "2");
            if (continuationToken is not null) request.With("continuation-token", continuationToken);
            var page = await ListAsync(request, token).ConfigureAwait(false);
            return new ListPage(page.Objects, page.Prefixes, page.Truncated ? page.NextToken : null);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ListPage> ListV1Async(string prefix, string? delimiter, string? marker, int maxKeys, CancellationToken cancellationToken)
    {
        return await _retry.ExecuteAsync("ListObjects", $"'{Bucket}/{prefix}'", async token =>
        {
            var request = ListRequest(prefix, delimiter, maxKeys);
            if (marker is not null) request.With("marker", marker);
            var page = await ListAsync(request, token).ConfigureAwait(false);
            string? next = null;
            if (page.Truncated)
            {
                // NextMarker comes only with a delimiter; otherwise the last key is the marker. Either way: the larger.
                next = page.NextMarker;
                foreach (var candidate in page.Objects.Select(o => o.Key).Concat(page.Prefixes))
                {
                    if (next is null || string.CompareOrdinal(candidate, next) > 0) next = candidate;
                }
            }
            return new ListPage(page.Objects, page.Prefixes, next);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static S3Request ListRequest(string prefix, string? delimiter, int maxKeys)
    {
        var request = new S3Request(HttpMethod.Get).With("prefix", prefix).With("max-keys", maxKeys.ToString(CultureInfo.InvariantCulture))
            .With("encoding-type", "url");
        if (delimiter is not null) request.With("delimiter", delimiter);
        return request;
    }

    private async Task<(List<ObjectSummary> Objects, List<string> Prefixes, bool Truncated, string? NextToken, string? NextMarker)> ListAsync(
        S3Request request, CancellationToken token)
    {
        var (body, response) = await _s3.SendForTextAsync(request, token).ConfigureAwait(false);
        using (response) return S3Xml.Listing(S3Xml.ParseResult(body, response.StatusCode));
    }
}
