using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>What a mount is doing at one moment (`sharedfs-init status`, the summary lines).</summary>
/// <param name="OpenFiles">Open file handles.</param>
/// <param name="LocalFiles">Files holding something the bucket has not got yet (new, changed, being uploaded or deleted).</param>
/// <param name="Uploading">Uploads on the wire.</param>
/// <param name="BytesUsed">The bucket's bytes as counted (see <see cref="BytesCounted"/>).</param>
/// <param name="BytesCounted">False until the first count of the bucket is done (only this mount's changes so far).</param>
/// <param name="Quota">SHAREDFS_QUOTA, if set.</param>
/// <param name="Requests">The store's calls, failures, bytes and latencies.</param>
public sealed record MountFigures(int OpenFiles, int LocalFiles, int Uploading, long BytesUsed, bool BytesCounted, long? Quota,
    RequestFigures? Requests);
