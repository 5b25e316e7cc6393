using SharedFs.Fuse;

namespace SharedFs.FileSystem;

/// <summary>open, create, read, write, truncate, flush, fsync, release, unlink.</summary>
internal sealed partial class SharedFileSystem
{
    private const int OTrunc = 0x200, OAccessMode = 0x3, OReadOnly = 0;
    /// <summary>Up to this size an open always reads the file with its metadata: the bytes cost less than a round trip.</summary>
    private const long AlwaysFetchOnOpen = 256 * 1024;

    public override int Open(string path, ref OpenInfo info)
    {
        ulong handle = 0;
        var keepCache = false;
        var flags = info.Flags;
        var result = Guard("open", path, () =>
        {
            if (CheckName(path) is < 0 and var error) return error;
            var file = _open.Find(path);
            NodeInfo? stored = null;
            (byte[] Buffer, int Length)? firstChunk = null;
            if (file is null || !file.IsDirty)
            {
                // Close-to-open: every open asks the bucket for the current version. A read-only open asks with a
                // GET that brings the first chunk too (HEAD and read in one request), unless the file is big and
                // the kernel may hold its pages already: then a HEAD is enough.
                if (file is null && (flags & (OAccessMode | OTrunc)) == OReadOnly
                    && (!_versions.Knows(path) || (_attributes.TryGet(path, out var known) && known?.Size <= AlwaysFetchOnOpen)))
                    (stored, firstChunk) = ResolveWithFirstChunk(path);
                if (stored is null) stored = Wait(ResolveAsync(path, asked: true));
                _attributes.Set(path, stored);
                if (stored is null) return -Errno.ENOENT;
                if (stored.Kind == NodeKind.Directory) return -Errno.EISDIR;
            }
            (var opened, handle) = _open.Open(file ?? new OpenFile(path, stored!, existsInStore: true), flags);
            if (firstChunk is { } chunk && ReferenceEquals(opened.Node, stored) && _open.Handle(handle) is { } fresh)
                fresh.ReadAhead = ReadAhead.Seeded(_store, opened.Key, stored!.Size, chunk.Buffer, chunk.Length, WholeCopyOf(opened.Key, stored.ETag));
            if (stored is not null) opened.TryRefresh(stored);
            if ((flags & OTrunc) != 0 && opened.Size > 0) opened.Truncate(_staging, 0);
            // Keep the kernel's pages only when they are of the version stored now (or of our own pending data).
            var current = opened.Node;
            keepCache = opened.IsDirty || _versions.IsCurrent(path, current.ETag, current.Size);
            if (!opened.IsDirty) _versions.Remember(path, current.ETag, current.Size);
            return 0;
        });
        if (result == 0)
        {
            info.Handle = handle;
            info.KeepCache = keepCache;
        }
        return result;
    }

    private Func<WholeObjectCache> WholeCopyOf(string key, string? etag) => () => new WholeObjectCache(_store, _staging, key, etag);

    /// <summary>One GET of the file's first chunk with its metadata; (null, null) sends the caller to the HEAD path.</summary>
    private (NodeInfo? Node, (byte[], int)? Chunk) ResolveWithFirstChunk(string path)
    {
        var key = ObjectKeys.FileKey(path);
        if (_deleting.Contains(key)) return (null, null);
        var buffer = ReadAhead.RentChunk();
        var (info, read) = Wait(_store.ReadWithInfoAsync(key, buffer.AsMemory(0, ReadAhead.ChunkSize)));
        if (info is null) return (null, null); // missing (perhaps a directory) or empty: HEAD tells
        return (RememberFile(path, info), (buffer, read));
    }

    public override int Create(string path, uint mode, ref OpenInfo info)
    {
        ulong handle = 0;
        var flags = info.Flags;
        var result = Guard("create", path, () =>
        {
            if (CheckName(path) is < 0 and var error) return error;
            var existing = Lookup(path);
            if (existing is { Kind: NodeKind.Directory }) return -Errno.EISDIR;
            var (uid, gid) = Caller();
            var now = Now();
            var node = new NodeInfo
            {
                Kind = NodeKind.File, Permissions = mode & FileMode.PermissionMask, Uid = uid, Gid = gid, Size = 0,
                ModifyTime = now, ChangeTime = now, AccessTime = now,
            };
            // Not uploaded now: the first flush (close) stores it, even empty; until then this mount shows it.
            (var file, handle) = _open.Open(new OpenFile(path, node, existsInStore: false), flags);
            if (file.Size > 0 && (flags & OTrunc) != 0) file.Truncate(_staging, 0);
            _versions.Forget(path);
            Changed(path, file.Current);
            return 0;
        });
        if (result == 0)
        {
            info.Handle = handle;
            info.KeepCache = false;
        }
        return result;
    }

    public override int Read(string path, Span<byte> buffer, long offset, ref OpenInfo info)
    {
        var handle = _open.Handle(info.Handle);
        if (handle is null) return -Errno.EBADF;
        try
        {
            var file = handle.File;
            if (file.HasStaging) return file.ReadStaged(_store, buffer, offset);
            ReadAhead reader;
            lock (handle.Lock)
            {
                var node = file.Node;
                if (handle.ReadAhead is not { } existing || existing.Key != file.Key || existing.Size != node.Size)
                {
                    handle.ReadAhead?.Dispose();
                    handle.ReadAhead = new ReadAhead(_store, file.Key, node.Size, WholeCopyOf(file.Key, node.ETag));
                }
                reader = handle.ReadAhead;
            }
            return reader.Read(buffer, offset);
        }
        catch (Exception e)
        {
            return ToErrno("read", path, e);
        }
    }

    public override int Write(string path, ReadOnlySpan<byte> data, long offset, ref OpenInfo info)
    {
        var handle = _open.Handle(info.Handle);
        if (handle is null) return -Errno.EBADF;
        try
        {
            handle.Changed = true;
            try
            {
                handle.File.Write(_staging, _store, offset, data);
            }
            catch (IOException e) when (IsNoSpace(e) && _queue.Backlog > 0)
            {
                // The staging disk is full of closed files waiting for their upload: they free it as they land.
                Wait(_queue.WhenAllIdle());
                handle.File.Write(_staging, _store, offset, data);
            }
            return data.Length;
        }
        catch (Exception e)
        {
            return ToErrno("write", path, e);
        }
    }

    public override int Truncate(string path, long size, ulong? handle) => Guard("truncate", path, () =>
    {
        if (size < 0) return -Errno.EINVAL;
        if (handle is { } h && _open.Handle(h) is { } open)
        {
            open.Changed = true;
            open.File.Truncate(_staging, size);
            return 0;
        }
        if (_open.Find(path) is { } file)
        {
            file.Truncate(_staging, size);
            return UploadOrError(file);
        }
        var node = Lookup(path);
        if (node is null) return -Errno.ENOENT;
        if (node.Kind == NodeKind.Directory) return -Errno.EISDIR;
        // truncate(2) without an open file: stage, upload, forget (the compose keeps the kept prefix on the server).
        var (temporary, id) = _open.Open(new OpenFile(path, node, existsInStore: true), 0);
        try
        {
            temporary.Truncate(_staging, size);
            return UploadOrError(temporary);
        }
        finally
        {
            FinishRelease(_open.CloseHandle(id));
        }
    });

    /// <summary>
    /// close(): the upload of what this handle changed; close() waits for it unless write-back is on. A handle that
    /// changed nothing leaves the upload to the one that did, or to the release of the last one (the dup2() of a shell
    /// redirect, an empty file created and closed).
    /// </summary>
    public override int Flush(string path, ref OpenInfo info)
    {
        var handle = _open.Handle(info.Handle);
        if (handle is null) return 0;
        return Guard("flush", path, () =>
        {
            if (!handle.File.IsDirty || !handle.Changed) return 0;
            Change(deferred =>
            {
                if (deferred) ScheduleUpload(handle.File);
                else UploadNow(handle.File);
            });
            return 0;
        });
    }

    public override int FSync(string path, bool dataOnly, ref OpenInfo info)
    {
        var handle = _open.Handle(info.Handle);
        return handle is null ? 0 : Guard("fsync", path, () => UploadOrError(handle.File));
    }

    public override int Release(string path, ref OpenInfo info)
    {
        var id = info.Handle;
        return Guard("release", path, () =>
        {
            FinishRelease(_open.CloseHandle(id));
            return 0;
        });
    }

    /// <summary>After the last handle: the file leaves the table, or stays until its queued upload lands.</summary>
    private void FinishRelease(OpenFile? file)
    {
        if (file is null) return;
        if (file.IsDirty) ScheduleUpload(file);
        else _open.Retire(file);
    }

    /// <summary>Uploads when dirty and waits. A failure surfaces (fsync returns -EIO) and the data stays staged.</summary>
    private int UploadOrError(OpenFile file)
    {
        UploadNow(file);
        return 0;
    }

    private void Upload(OpenFile file)
    {
        var info = file.Upload(_store, _staging);
        if (info is null) return;
        lock (_publishing)
        {
            // An unlink (or a rename over this file) made while it was on the wire has the last word.
            if (file.Unlinked) return;
            _versions.Remember(file.Path, info.ETag, info.Size);
            Changed(file.Path, file.Current);
            ScheduleConfirmation(file.Path, file.Key, info.ETag);
        }
    }

    public override int Unlink(string path) => Guard("unlink", path, () =>
    {
        if (CheckName(path) is < 0 and var error) return error;
        var node = Lookup(path);
        if (node is null) return -Errno.ENOENT;
        if (node.Kind == NodeKind.Directory) return -Errno.EISDIR;
        var key = ObjectKeys.FileKey(path);
        var open = _open.Find(path);
        // Open handles keep reading and writing their data; it is just never stored again.
        if (open is { OpenCount: > 0 }) open.KeepContentLocally(_store, _staging);
        _deleting.Add(key);
        lock (_publishing)
        {
            if (open is not null)
            {
                open.Unlinked = true;
                _open.Detach(open);
            }
            _versions.Forget(path);
            Changed(path, null);
        }
        if (open is not null) _open.Retire(open);
        QueueDelete(key);
        return 0;
    });
}
