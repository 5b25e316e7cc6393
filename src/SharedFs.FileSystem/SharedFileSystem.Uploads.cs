using SharedFs.FileSystem.Content;
using SharedFs.FileSystem.Metadata;
using SharedFs.FileSystem.Nodes;
using SharedFs.FileSystem.Remote;
using SharedFs.FileSystem.Upload;
using SharedFs.Fuse;
using SharedFs.Storage;

namespace SharedFs.FileSystem;

/// <summary>
/// Uploads: one at a time per node, each sending the generation it found (a change made meanwhile keeps the node
/// dirty for the next one). close(), fsync() and `sync DIR` wait for theirs. An upload of a last release that fails
/// is retried in the background (1, 2, 4… 60 s) until it lands or the unmount's flush. With write-back on
/// (<see cref="WriteBackMode.On"/>, bulk imports) closes queue their upload instead (in order per key).
/// </summary>
internal sealed partial class SharedFileSystem
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);

    /// <summary>Uploads the node if it holds something the bucket has not got; 0, or the errno of the failure.</summary>
    private async Task<int> UploadAsync(Node node, string reason)
    {
        await node.UploadGate.WaitAsync().ConfigureAwait(false);
        try
        {
            UploadRequest request;
            long generation, before, after;
            lock (Gate)
            {
                if (node.State is not (NodeState.New or NodeState.Dirty)) return 0;
                generation = node.Generation;
                (before, after) = (node.Remote?.Size ?? 0, node.Attributes.Size);
                var key = _table.KeyOf(node);
                var options = MetadataCodec.WriteOptions(node.Kind, node.Attributes, node.Xattrs, node.Name, node.Remote?.ContentType);
                var content = node.Content;
                var baseKey = node.Remote is not null && (content is null || content.BaseLength > 0) ? key : null;
                request = new UploadRequest(key, options, content, BaseKey: baseKey, Streamed: node.Streamed);
                node.Streamed = null;
                _table.UploadStarting(node, generation);
            }
            if (_usage.WouldExceed(after - before, $"the upload of {request.Key}"))
            {
                request.Streamed?.Abandon();
                lock (Gate) _table.UploadFailed(node);
                return Errno.ENOSPC;
            }
            ObjectInfo stored;
            try
            {
                stored = await _uploader.UploadAsync(request).ConfigureAwait(false);
            }
            catch (Exception e) when (IsExpected(e))
            {
                lock (Gate) _table.UploadFailed(node);
                return ErrnoOf($"upload ({reason})", request.Key, e);
            }
            _usage.Changed(before, stored.Size);
            lock (Gate)
            {
                _table.Uploaded(node, generation, VersionOf(stored, node.Kind, DirectoryForm.None));
                node.KernelETag = stored.ETag; // the kernel's pages hold what was written here
            }
            return 0;
        }
        finally
        {
            node.UploadGate.Release();
        }
    }

    private static RemoteVersion VersionOf(ObjectInfo info, NodeKind kind, DirectoryForm form) =>
        new(info.ETag, info.Size, info.LastModified, info.ContentType, kind == NodeKind.Directory ? form : DirectoryForm.None);

    /// <summary>fsync: what is queued for the node lands, then it is uploaded if it still holds anything.</summary>
    private async ValueTask<int> SyncAsync(Node node, string reason)
    {
        string? key;
        lock (Gate) key = node.Parent is null ? null : _table.KeyOf(node);
        if (key is not null) await _queue.WhenIdle(key).ConfigureAwait(false);
        return await UploadAsync(node, reason).ConfigureAwait(false);
    }

    /// <summary>Write-back on: the upload runs in the background, after what is queued for the same key (once there is room).</summary>
    private async ValueTask QueueUploadAsync(Node node)
    {
        string key;
        lock (Gate)
        {
            if (node.Parent is null) return;
            key = _table.KeyOf(node);
        }
        _ = await _queue.EnqueueBackgroundAsync(key, async () =>
        {
            if (await UploadAsync(node, "write-back").ConfigureAwait(false) != 0) ScheduleRetry(node, 1);
            else lock (Gate) KeepWhatWasStored(node);
        }).ConfigureAwait(false);
    }

    private void ScheduleRetry(Node node, int attempt)
    {
        var delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks << Math.Min(attempt - 1, 10)));
        FsLog.Warn($"upload of {node.Name} failed: kept here, retried in {delay.TotalSeconds:0} s");
        _ = RetryLaterAsync(node, attempt, delay);
    }

    private async Task RetryLaterAsync(Node node, int attempt, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // the unmount's flush takes over
        }
        if (await UploadAsync(node, "retry").ConfigureAwait(false) != 0) ScheduleRetry(node, attempt + 1);
        else lock (Gate) KeepWhatWasStored(node);
    }

    /// <summary>
    /// A clean node nobody has open drops its local content; a small one stays as the cached bytes of the version
    /// the bucket now holds (this mount then reads it without a request after its next open's revalidation).
    /// </summary>
    private void KeepWhatWasStored(Node node)
    {
        if (node.OpenHandles > 0 || node.State != NodeState.Remote || node.Content is not { } content) return;
        if (content.Size <= Prober.PrefetchBytes && content.IsWhole && node.Remote?.ETag is { } etag)
            _table.SetPrefix(node, new Prefix(etag, content.ToArray(), Complete: true));
        _table.SetContent(node, null);
    }

    /// <summary>How often a long flush (the unmount's) says how far it got.</summary>
    private static readonly TimeSpan FlushReportInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The unmount: every node holding something the bucket has not got is uploaded; returns how many failed. A flush
    /// that takes longer than <see cref="FlushReportInterval"/> logs what is left every interval.
    /// </summary>
    public async Task<int> FlushAllAsync()
    {
        var (files, bytes) = StillLocal();
        using var stop = new CancellationTokenSource();
        var reporter = files == 0 ? Task.CompletedTask : ReportFlushAsync(files, bytes, stop.Token);
        try
        {
            await _queue.WhenAllIdle().ConfigureAwait(false);
            List<Node> local;
            lock (Gate) local = _table.LocalNodes();
            var results = await Task.WhenAll(local.Select(node => UploadAsync(node, "unmount"))).ConfigureAwait(false);
            return results.Count(errno => errno != 0);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await reporter.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private (int Files, long Bytes) StillLocal()
    {
        lock (Gate)
        {
            var local = _table.LocalNodes();
            return (local.Count, local.Sum(node => node.Attributes.Size));
        }
    }

    private async Task ReportFlushAsync(int files, long bytes, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(FlushReportInterval, _clock);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            var (leftFiles, leftBytes) = StillLocal();
            FsLog.Warn($"flush: {files - leftFiles} of {files} file(s) in the bucket, {(bytes - leftBytes) / 1048576.0:0.0} of {bytes / 1048576.0:0.0} MiB; {leftFiles} to go");
        }
    }

    /// <summary>
    /// After a last flush that failed: the content of every file the bucket has not got is saved in
    /// <paramref name="folder"/> under its key (URL-escaped), for an operator to upload by hand. A file whose unchanged
    /// part was never fetched cannot be saved whole: it is named in the log instead.
    /// </summary>
    public void SaveNotUploaded(string folder)
    {
        List<(string Key, FileContent Content)> files;
        lock (Gate)
            files = _table.LocalNodes()
                .Where(node => node.Kind == NodeKind.File && node.Content is not null && (node.Parent is not null || node == _table.Root))
                .Select(node => (_table.KeyOf(node), node.Content!)).ToList();
        if (files.Count == 0) return;
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var (key, content) in files)
        {
            if (!content.IsWhole)
            {
                FsLog.Warn($"not uploaded and not saved: {key} (changed in part, the rest of it was never fetched)");
                continue;
            }
            var path = Path.Combine(folder, Uri.EscapeDataString(key));
            using (var output = new FileStream(path, new FileStreamOptions
            {
                Mode = System.IO.FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            using (var input = content.OpenRead(0, content.Size))
                input.CopyTo(output);
            FsLog.Warn($"not uploaded: {key} ({content.Size} bytes) saved as {path}");
        }
    }

    /// <summary>Ends the background retries (after the last flush, before the store goes away).</summary>
    public void StopBackgroundWork() => _stopping.Cancel();
}
