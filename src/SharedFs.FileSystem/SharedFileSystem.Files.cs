using SharedFs.FileSystem.Content;
using SharedFs.FileSystem.Handles;
using SharedFs.FileSystem.Metadata;
using SharedFs.FileSystem.Nodes;
using SharedFs.FileSystem.Reading;
using SharedFs.FileSystem.Upload;
using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>open, create, read, write, flush, release, fsync, fallocate.</summary>
internal sealed partial class SharedFileSystem
{
    private const int OTrunc = 0x200, OExcl = 0x80;

    /// <summary>
    /// Close-to-open: an open asks the bucket for the current version (the GET of its first bytes, or a HEAD for a big
    /// file), unless the lookup of the same open() just did (same process, right before: its answer is used once), or
    /// this mount holds the file locally.
    /// </summary>
    public override ValueTask<FuseResult<FuseOpen>> OpenAsync(FuseContext context, ulong inode, int flags) =>
        Guard<FuseOpen>("open", $"inode {inode}", async () =>
        {
            Node node;
            string key;
            RemoteVersion? version;
            lock (Gate)
            {
                if (_table.Get(inode) is not { } found) return Fail(Errno.ENOENT);
                node = found;
                if (node.IsDirectory) return Fail(Errno.EISDIR);
                var needsAnswer = node.State == NodeState.Remote && !_table.AnswerServesOpen(node, context.Pid);
                _table.AnswerUsed(node);
                if (!needsAnswer) return OpenHandle(node, flags);
                (key, version) = (_table.KeyOf(node), node.Remote);
            }
            var answer = await _prober.RevalidateAsync(key, node.Kind, version).ConfigureAwait(false);
            bool changed;
            FuseResult<FuseOpen> opened = default;
            var gone = false;
            (ulong? Parent, string Name) name = (null, "");
            lock (Gate)
            {
                changed = answer?.Version.ETag != version?.ETag || answer?.Version.Size != version?.Size;
                name = (node.Parent?.Id, node.Name);
                gone = !_table.Apply(node, answer) || node.State == NodeState.Unlinked;
                if (!gone)
                {
                    _table.AnswerUsed(node);
                    opened = OpenHandle(node, flags);
                }
            }
            if (gone)
            {
                // Removed elsewhere: the kernel forgets the name before this open fails, so the next stat() asks again.
                // (An open holds no directory lock in the kernel: telling it now cannot deadlock.)
                if (name.Parent is { } parent) InvalidateName?.Invoke(parent, name.Name);
                return Fail(Errno.ENOENT);
            }
            // The kernel's size and times of the old version must not serve this open's reads.
            if (changed) InvalidateAttributes?.Invoke(node.Id);
            return opened;
        });

    /// <summary>A handle on the node (under the table's lock). O_TRUNC empties the file here; the close of a writer uploads it.</summary>
    private FuseResult<FuseOpen> OpenHandle(Node node, int flags)
    {
        if ((flags & OTrunc) != 0 && node.Kind == NodeKind.File && (node.Attributes.Size > 0 || node.Content is not null)) TruncateLocked(node, 0);
        var handle = new FileHandle(node, flags);
        var id = _handles.Add(handle);
        _table.HandleOpened(node);
        // The kernel keeps its pages only when they are of the version current now (or of our own writes).
        var current = node.Remote?.ETag;
        var keep = node.Content is not null || (current is not null && node.KernelETag == current);
        if (node.Content is null) node.KernelETag = current;
        return new FuseOpen(id, KeepCache: keep);
    }

    public override ValueTask<FuseResult<(FuseEntry Entry, FuseOpen Open)>> CreateAsync(FuseContext context, ulong parent, string name, uint mode, int flags)
    {
        lock (Gate)
        {
            if (_table.Get(parent) is not { IsDirectory: true } directory || directory.State == NodeState.Unlinked) return Result(Fail(Errno.ENOENT));
            if (ChildKey(directory, name) is null) return Result(Fail(Errno.ENAMETOOLONG));
            if (_table.Child(directory, name) is { } existing && !existing.State.IsGone() && _table.IsTrusted(existing))
            {
                if ((flags & OExcl) != 0) return Result(Fail(Errno.EEXIST));
                if (existing.IsDirectory) return Result(Fail(Errno.EISDIR));
                var reopened = OpenHandle(existing, flags);
                return Result((EntryFor(existing), reopened.Value));
            }
            // Not uploaded now: the first close that wrote (or the last release) stores it; until then only this mount has it.
            var attributes = NodeAttributes.Fresh(mode, context.Uid, GroupFor(context, directory), _table.WallClock);
            var node = _table.Add(directory, name, NodeKind.File, attributes, NodeState.New);
            _table.SetContent(node, new FileContent(_staging, null, 0));
            DirectoryChanged(directory);
            var open = OpenHandle(node, flags & ~OTrunc);
            return Result((EntryFor(node), open.Value));
        }

        static ValueTask<FuseResult<(FuseEntry, FuseOpen)>> Result(FuseResult<(FuseEntry, FuseOpen)> result) => ValueTask.FromResult(result);
    }

    public override ValueTask<FuseResult<int>> ReadAsync(FuseContext context, ulong inode, ulong handle, Memory<byte> buffer, long offset) =>
        Guard<int>("read", $"inode {inode}", async () =>
        {
            if (_handles.File(handle) is not { } open) return Fail(Errno.EBADF);
            var node = open.Node;
            while (true)
            {
                FileContent? content;
                Prefix? prefix;
                string? key;
                long size;
                string? etag;
                lock (Gate)
                {
                    (content, prefix, size, etag) = (node.Content, node.Prefix, node.Attributes.Size, node.Remote?.ETag);
                    key = node.Parent is null && node != _table.Root ? null : _table.KeyOf(node);
                }
                if (content is not null)
                {
                    if (key is not null && content.BaseLength > 0)
                        await BaseFetcher.EnsureLocalAsync(_store, key, content, offset, offset + buffer.Length).ConfigureAwait(false);
                    if (content.TryRead(offset, buffer.Span, out var read)) return read;
                    continue; // replaced by a newer version while this read ran: read that one
                }
                if (offset >= size) return 0;
                var count = (int)Math.Min(buffer.Length, size - offset);
                if (prefix is not null && prefix.ETag == etag && offset + count <= prefix.Length)
                {
                    prefix.Bytes.AsSpan((int)offset, count).CopyTo(buffer.Span);
                    return count;
                }
                if (key is null) return Fail(Errno.ENOENT); // removed elsewhere while open, and never read here
                return await ReaderOf(open, key, etag, size).ReadAsync(buffer[..count], offset).ConfigureAwait(false);
            }
        });

    private ReadAhead ReaderOf(FileHandle open, string key, string? etag, long size)
    {
        lock (open.ReaderLock)
        {
            if (open.Reader is { } reader && reader.Key == key && reader.ETag == etag && reader.Size == size) return reader;
            open.Reader?.Dispose();
            open.Reader = new ReadAhead(_store, key, size, etag, () => new WholeObjectCache(_store, _staging, key, etag));
            return open.Reader;
        }
    }

    public override int Write(FuseContext context, ulong inode, ulong handle, ReadOnlySpan<byte> data, long offset)
    {
        if (_handles.File(handle) is not { } open) return -Errno.EBADF;
        var node = open.Node;
        try
        {
            // A write that makes the file longer is checked with all the file's growth over its stored version.
            long growth;
            lock (Gate)
            {
                var end = offset + data.Length;
                growth = end > node.Attributes.Size ? end - (node.Remote?.Size ?? 0) : 0;
            }
            if (_usage.WouldExceed(growth, $"a write to {node.Name}")) return -Errno.ENOSPC;
            var content = ContentOf(node);
            content.Write(offset, data);
            lock (Gate)
            {
                var now = _table.WallClock;
                _table.Changed(node, node.Attributes with { Size = content.Size, ModifyTime = now, ChangeTime = now });
                StreamParts(node, content, offset);
            }
            open.MarkChanged();
            return data.Length;
        }
        catch (Exception e) when (IsExpected(e))
        {
            return -ErrnoOf("write", $"inode {inode}", e);
        }
    }

    /// <summary>The node's local content, made on its first change (outside the lock: a big base needs a staging file).</summary>
    private FileContent ContentOf(Node node)
    {
        string? etag;
        long size;
        lock (Gate)
        {
            if (node.Content is { } existing) return existing;
            (etag, size) = (node.Remote?.ETag, node.Attributes.Size);
        }
        var made = new FileContent(_staging, etag, size);
        lock (Gate)
        {
            if (node.Content is { } raced)
            {
                made.Discard();
                return raced;
            }
            _table.SetContent(node, made);
            return made;
        }
    }

    /// <summary>
    /// A big new file written from its start goes up part by part as it grows (under the table's lock: only starts
    /// tasks). A write before what was sent ends that: the file is then sent the ordinary way at close.
    /// </summary>
    private void StreamParts(Node node, FileContent content, long writeOffset)
    {
        if (node.Streamed is { } streamed)
        {
            if (writeOffset < streamed.SentEnd || !streamed.Advance(content.WrittenPrefix))
            {
                streamed.Abandon();
                node.Streamed = null;
            }
            return;
        }
        var prefix = content.WrittenPrefix;
        if (prefix < StreamedUpload.StartSize || node.Parent is null || node.State.IsGone()) return;
        var key = _table.KeyOf(node);
        var options = MetadataCodec.WriteOptions(node.Kind, node.Attributes, node.Xattrs, node.Name, node.Remote?.ContentType);
        node.Streamed = new StreamedUpload(_store, content, key, options);
        if (!node.Streamed.Advance(prefix))
        {
            node.Streamed.Abandon();
            node.Streamed = null;
        }
    }

    /// <summary>Truncates the node's content here (under the table's lock); mtime and ctime move when the size does.</summary>
    private void TruncateLocked(Node node, long size)
    {
        if (node.Content is null)
        {
            // Emptying needs nothing of the old version; a shorter file keeps its prefix, fetched when needed.
            _table.SetContent(node, new FileContent(_staging, size == 0 ? null : node.Remote?.ETag, Math.Min(size, node.Attributes.Size)));
        }
        node.Content!.Truncate(size);
        if (node.Streamed is { } streamed && size < streamed.SentEnd)
        {
            streamed.Abandon();
            node.Streamed = null;
        }
        var now = _table.WallClock;
        var attributes = node.Attributes.Size == size ? node.Attributes with { Size = size } : node.Attributes with { Size = size, ModifyTime = now, ChangeTime = now };
        _table.Changed(node, attributes);
    }

    /// <summary>close(2): a handle that changed something uploads the file, and close() returns the bucket's answer.</summary>
    public override async ValueTask<int> FlushAsync(FuseContext context, ulong inode, ulong handle)
    {
        if (_handles.File(handle) is not { } open || !open.TakeChanged()) return 0;
        if (_writeBack == WriteBackMode.On)
        {
            await QueueUploadAsync(open.Node).ConfigureAwait(false);
            return 0;
        }
        var errno = await UploadAsync(open.Node, "close").ConfigureAwait(false);
        if (errno != 0) open.MarkChanged(); // the next close (or the release) tries again
        return errno;
    }

    /// <summary>The last descriptor is gone: what is still only here (a file created and closed unwritten) goes up now.</summary>
    public override async ValueTask<int> ReleaseAsync(FuseContext context, ulong inode, ulong handle)
    {
        if (_handles.RemoveFile(handle) is not { } open) return 0;
        open.Dispose();
        var node = open.Node;
        bool upload;
        lock (Gate)
        {
            _table.HandleClosed(node);
            upload = node.OpenHandles == 0 && node.State is NodeState.New or NodeState.Dirty;
        }
        if (upload)
        {
            if (_writeBack == WriteBackMode.On) await QueueUploadAsync(node).ConfigureAwait(false);
            else if (await UploadAsync(node, "release").ConfigureAwait(false) != 0) ScheduleRetry(node, 1);
        }
        lock (Gate) KeepWhatWasStored(node);
        return 0;
    }

    public override ValueTask<int> FSyncAsync(FuseContext context, ulong inode, ulong handle, bool dataOnly)
    {
        if (_handles.File(handle) is not { } open) return ValueTask.FromResult(0);
        return SyncAsync(open.Node, "fsync");
    }

    /// <summary>posix_fallocate: the size grows (the hole reads as zeros); other modes are not offered by S3.</summary>
    public override ValueTask<int> AllocateAsync(FuseContext context, ulong inode, ulong handle, int mode, long offset, long length)
    {
        if (mode != 0) return ValueTask.FromResult(Errno.EOPNOTSUPP);
        if (_handles.File(handle) is not { } open) return ValueTask.FromResult(Errno.EBADF);
        lock (Gate)
        {
            if (offset + length > open.Node.Attributes.Size) TruncateLocked(open.Node, offset + length);
        }
        open.MarkChanged();
        return ValueTask.FromResult(0);
    }
}
