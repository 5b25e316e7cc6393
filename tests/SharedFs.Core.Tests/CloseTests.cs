using SharedFs.FileSystem;
using SharedFs.Fuse;

namespace SharedFs.Core.Tests;

/// <summary>When the bucket gets what was written, and what close() answers.</summary>
public sealed class CloseTests : IDisposable
{
    private readonly Core _core = new();

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_create_costs_its_lookup_and_one_PUT_at_close_and_the_bucket_has_it_when_close_returns()
    {
        var (inode, handle) = await _core.CreateAsync("new.txt");
        _core.Write(inode, handle, "fresh"u8.ToArray());
        Assert.Null(_core.Store.Get("new.txt")); // nothing is sent before the close
        Assert.Equal(0, await _core.Fs.FlushAsync(Core.Caller, inode, handle));

        Assert.Equal("fresh"u8.ToArray(), _core.Store.Get("new.txt"));
        Assert.Equal(["GET new.txt", "HEAD new.txt/", "LIST new.txt/", "PUT new.txt"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}").Order());
        await _core.Fs.ReleaseAsync(Core.Caller, inode, handle);
        Assert.Equal(4, _core.Store.Requests.Count);
    }

    [Fact]
    public async Task The_close_of_a_handle_that_wrote_nothing_uploads_nothing_and_the_release_of_the_last_does()
    {
        // A shell redirect: open (emptying the file), dup2, close of the first descriptor, then the data.
        _core.Store.Put("out.log", "old content"u8.ToArray());
        var (inode, handle) = await _core.CreateAsync("out.log");
        Assert.Equal(0, await _core.Fs.FlushAsync(Core.Caller, inode, handle));
        Assert.Equal("old content"u8.ToArray(), _core.Store.Get("out.log")); // never an empty version

        _core.Write(inode, handle, "new"u8.ToArray());
        Assert.Equal(0, await _core.Fs.FlushAsync(Core.Caller, inode, handle));
        Assert.Equal("new"u8.ToArray(), _core.Store.Get("out.log"));
        await _core.Fs.ReleaseAsync(Core.Caller, inode, handle);
    }

    [Fact]
    public async Task An_empty_file_created_and_closed_reaches_the_bucket_at_its_release()
    {
        var (inode, handle) = await _core.CreateAsync("lock");
        Assert.Equal(0, await _core.Fs.FlushAsync(Core.Caller, inode, handle));
        Assert.Null(_core.Store.Get("lock"));
        await _core.Fs.ReleaseAsync(Core.Caller, inode, handle);
        Assert.Equal([], _core.Store.Get("lock") ?? throw new Xunit.Sdk.XunitException("lock is not in the bucket"));
    }

    [Fact]
    public async Task Metadata_set_through_the_handle_of_a_new_file_travels_with_its_one_PUT()
    {
        // tar: create, write, futimens, fchown, fchmod, close.
        var (inode, handle) = await _core.CreateAsync("extracted", mode: 0x180);
        _core.Write(inode, handle, "x"u8.ToArray());
        var times = new AttributeChanges(null, null, null, null, null, new TimeSpec(1600000000, 0), false, false);
        await _core.Fs.SetAttributesAsync(Core.Caller, inode, times, handle);
        await _core.Fs.SetAttributesAsync(Core.Caller, inode, new AttributeChanges(FileMode.Regular | 0x1A4, null, null, null, null, null, false, false), handle);
        _core.Store.ClearRequests();
        Assert.Equal(0, await _core.CloseAsync(inode, handle));

        Assert.Equal(["PUT extracted"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}"));
        var metadata = _core.Store.MetadataOf("extracted")!;
        Assert.Equal(("33188", "1600000000"), (metadata["mode"], metadata["mtime"]));
    }

    [Fact]
    public async Task A_failed_upload_is_EIO_at_close_the_data_stays_and_the_next_close_stores_it()
    {
        var (inode, handle) = await _core.CreateAsync("report.txt");
        _core.Write(inode, handle, "quarterly"u8.ToArray());
        _core.Store.FailWrites = true;
        Assert.Equal(Errno.EIO, await _core.Fs.FlushAsync(Core.Caller, inode, handle));
        Assert.Null(_core.Store.Get("report.txt"));

        _core.Store.FailWrites = false;
        Assert.Equal(0, await _core.Fs.FlushAsync(Core.Caller, inode, handle));
        Assert.Equal("quarterly"u8.ToArray(), _core.Store.Get("report.txt"));
        await _core.Fs.ReleaseAsync(Core.Caller, inode, handle);
    }

    [Fact]
    public async Task What_the_last_flush_could_not_upload_is_saved_under_its_key_never_dropped()
    {
        _core.Store.Put("uploads/2026/other.txt", "x"u8.ToArray());
        var (inode, handle) = await _core.CreateAsync("uploads/2026/report.txt");
        _core.Write(inode, handle, "quarterly"u8.ToArray());
        _core.Store.FailWrites = true;
        Assert.Equal(1, await _core.Fs.FlushAllAsync());

        var folder = Path.Combine(Path.GetTempPath(), "sharedfs-not-uploaded-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            _core.Fs.SaveNotUploaded(folder);
            Assert.Equal("quarterly"u8.ToArray(), File.ReadAllBytes(Path.Combine(folder, "uploads%2F2026%2Freport.txt")));
            Assert.Null(_core.Store.Get("uploads/2026/report.txt"));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_flush_that_takes_a_while_says_how_far_it_got_every_two_seconds()
    {
        var lines = new List<string>();
        var previous = FsLog.Sink;
        FsLog.Sink = line => { if (line.StartsWith("flush:", StringComparison.Ordinal)) lock (lines) lines.Add(line); };
        try
        {
            using var core = new Core(WriteBackMode.On);
            var files = new List<(ulong Inode, ulong Handle)>();
            foreach (var name in new[] { "a.txt", "b.txt" })
            {
                var (inode, handle) = await core.CreateAsync(name);
                core.Write(inode, handle, new byte[1000]);
                files.Add((inode, handle));
            }
            core.Store.Holding = true;
            foreach (var (inode, handle) in files) Assert.Equal(0, await core.CloseAsync(inode, handle)); // queued (write-back on)
            await core.Store.WaitForInFlightAsync(2);
            var flush = core.Fs.FlushAllAsync();
            core.Clock.Advance(TimeSpan.FromSeconds(2));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                lock (lines) if (lines.Count > 0) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException("no progress line");
                await Task.Delay(5);
            }
            lock (lines) Assert.Equal("flush: 0 of 2 file(s) in the bucket, 0.0 of 0.0 MiB; 2 to go", lines[0]);
            core.Store.Holding = false;
            core.Store.Release();
            Assert.Equal(0, await flush.WaitAsync(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            FsLog.Sink = previous;
        }
    }

    [Fact]
    public async Task A_quota_refusal_is_ENOSPC_and_nothing_in_the_bucket_changes()
    {
        _core.Store.Put("kept.txt", "kept"u8.ToArray());
        var (inode, handle) = await _core.CreateAsync("kept.txt");
        _core.Write(inode, handle, "too much"u8.ToArray());
        _core.Store.RefuseWritesAsQuotaExceeded = true;
        Assert.Equal(Errno.ENOSPC, await _core.Fs.FlushAsync(Core.Caller, inode, handle));
        Assert.Equal("kept"u8.ToArray(), _core.Store.Get("kept.txt"));
        _core.Store.RefuseWritesAsQuotaExceeded = false;
        await _core.CloseAsync(inode, handle);
    }

    [Fact]
    public async Task A_change_made_while_the_upload_was_on_the_wire_stays_dirty_for_the_next_close()
    {
        var (inode, handle) = await _core.CreateAsync("doc");
        _core.Write(inode, handle, "v1"u8.ToArray());
        _core.Store.Holding = true;
        var flush = _core.Fs.FlushAsync(Core.Caller, inode, handle).AsTask();
        await _core.Store.WaitForInFlightAsync(1);
        _core.Write(inode, handle, "v2"u8.ToArray());
        _core.Store.Holding = false;
        _core.Store.Release();
        Assert.Equal(0, await flush);

        Assert.Equal(0, await _core.Fs.FlushAsync(Core.Caller, inode, handle));
        Assert.Equal("v2"u8.ToArray(), _core.Store.Get("doc"));
        await _core.Fs.ReleaseAsync(Core.Caller, inode, handle);
    }

    [Fact]
    public async Task With_write_back_on_close_returns_before_the_upload_and_fsync_of_the_directory_waits_for_it()
    {
        using var core = new Core(WriteBackMode.On);
        core.Store.Holding = true;
        var (inode, handle) = await CreateHeldAsync(core, "bulk.txt");
        core.Write(inode, handle, "imported"u8.ToArray());
        Assert.Equal(0, await core.Fs.FlushAsync(Core.Caller, inode, handle)); // returns with the PUT not sent
        await core.Fs.ReleaseAsync(Core.Caller, inode, handle);
        Assert.Null(core.Store.Get("bulk.txt"));

        var sync = core.Fs.FSyncDirectoryAsync(Core.Caller, FuseFileSystem.RootInode, 0, false).AsTask();
        await core.Store.WaitForInFlightAsync(1);
        Assert.False(sync.IsCompleted);
        core.Store.Holding = false;
        core.Store.Release();
        Assert.Equal(0, await sync);
        Assert.Equal("imported"u8.ToArray(), core.Store.Get("bulk.txt"));
    }

    /// <summary>A create whose lookup's requests are let go as they come (the store holds everything in that test).</summary>
    private static async Task<(ulong, ulong)> CreateHeldAsync(Core core, string name)
    {
        var create = core.CreateAsync(name);
        while (!create.IsCompleted)
        {
            await Task.Delay(1);
            core.Store.Release();
        }
        return await create;
    }
}
