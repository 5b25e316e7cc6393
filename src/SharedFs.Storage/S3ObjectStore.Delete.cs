using System.Security.Cryptography;
using SharedFs.Storage.Http;

namespace SharedFs.Storage;

public sealed partial class S3ObjectStore
{
    /// <summary>S3's limit of keys in one DeleteObjects request.</summary>
    private const int DeleteBatchSize = 1000;

    /// <summary>Set once the server answered NotImplemented to DeleteObjects: keys are then deleted one by one.</summary>
    private volatile bool _batchDeleteUnsupported;

    /// <summary>
    /// DeleteObjects (quiet) in batches of 1000, Parallelism batches at once; missing keys are fine. Keys that
    /// fail are reported together in one <see cref="StorageException"/> whose KeyErrors lists them.
    /// </summary>
    public async Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0) return;
        var errors = new List<KeyError>();
        if (!_batchDeleteUnsupported)
        {
            try
            {
                await DeleteInBatchesAsync(keys, errors, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageException e) when (e.Kind == StorageErrorKind.NotImplemented)
            {
                _batchDeleteUnsupported = true;
                errors.Clear();
            }
        }
        if (_batchDeleteUnsupported)
            await DeleteOneByOneAsync(keys, errors, cancellationToken).ConfigureAwait(false);

        if (errors.Count > 0)
        {
            var kind = errors.All(error => error.Code == "AccessDenied") ? StorageErrorKind.AccessDenied : StorageErrorKind.Other;
            var sample = string.Join(", ", errors.Take(5).Select(error => $"'{error.Key}' ({error.Code})"));
            throw new StorageException(kind, $"S3 DeleteObjects in '{Bucket}': {errors.Count} of {keys.Count} keys not deleted: {sample}")
            {
                KeyErrors = errors,
            };
        }
    }

    private async Task DeleteInBatchesAsync(IReadOnlyList<string> keys, List<KeyError> errors, CancellationToken cancellationToken)
    {
        await using var window = new TaskWindow(_options.Parallelism, cancellationToken);
        foreach (var batch in keys.Chunk(DeleteBatchSize))
        {
            await window.WaitForSlotAsync().ConfigureAwait(false);
            window.Start(async token =>
            {
                var document = S3Xml.DeleteObjects(batch);
                var failed = await _retry.ExecuteAsync("DeleteObjects", $"'{Bucket}' ({batch.Length} keys)", async attemptToken =>
                {
                    // The one S3 call that insists on Content-MD5 (or a checksum header).
                    var request = new S3Request(HttpMethod.Post).With("delete").SignedBody(document, "application/xml")
                        .Header("content-md5", Convert.ToBase64String(MD5.HashData(document)));
                    var (body, response) = await _s3.SendForTextAsync(request, attemptToken).ConfigureAwait(false);
                    using (response)
                    {
                        return S3Xml.Children(S3Xml.ParseResult(body, response.StatusCode), "Error")
                            .Select(error => new KeyError(S3Xml.Child(error, "Key") ?? "", S3Xml.Child(error, "Code") ?? "Unknown", S3Xml.Child(error, "Message") ?? ""))
                            .Where(error => error.Code != "NoSuchKey")
                            .ToList();
                    }
                }, token).ConfigureAwait(false);
                lock (errors) errors.AddRange(failed);
            });
        }
        await window.WhenAllAsync().ConfigureAwait(false);
    }

    private async Task DeleteOneByOneAsync(IReadOnlyList<string> keys, List<KeyError> errors, CancellationToken cancellationToken)
    {
        await using var window = new TaskWindow(_options.Parallelism * 4, cancellationToken);
        foreach (var key in keys)
        {
            await window.WaitForSlotAsync().ConfigureAwait(false);
            window.Start(async token =>
            {
                try
                {
                    await DeleteAsync(key, token).ConfigureAwait(false);
                }
                catch (StorageException e) when (e.Kind is StorageErrorKind.AccessDenied or StorageErrorKind.Other or StorageErrorKind.PreconditionFailed)
                {
                    // Per-key refusals are reported at the end; Unavailable or bad credentials stop everything.
                    lock (errors) errors.Add(new KeyError(key, e.ServerCode ?? e.Kind.ToString(), e.Message));
                }
            });
        }
        await window.WhenAllAsync().ConfigureAwait(false);
    }
}
