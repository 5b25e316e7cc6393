using SharedFs.Fuse;

namespace SharedFs.Core.Tests;

/// <summary>Close-to-open: every open asks the bucket, except the one right after a lookup that did.</summary>
public sealed class OpenAndReadTests : IDisposable
{
    private readonly Core _core = new();

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_cold_read_of_a_small_file_is_one_request_the_lookups_GET_bringing_the_bytes()
    {
        _core.Store.Put("thumb.png", "png bytes"u8.ToArray());
        var bytes = await _core.ReadFileAsync("thumb.png");
        Assert.Equal("png bytes"u8.ToArray(), bytes);
        Assert.Equal(["GET thumb.png", "HEAD thumb.png/", "LIST thumb.png/"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}").Order());
    }

    [Fact]
    public async Task The_next_open_asks_again_and_reads_another_containers_new_content()
    {
        _core.Store.Put("a.txt", "one"u8.ToArray());
        Assert.Equal("one"u8.ToArray(), await _core.ReadFileAsync("a.txt"));
        _core.Store.Put("a.txt", "two!"u8.ToArray());
        _core.Store.ClearRequests();

        Assert.Equal("two!"u8.ToArray(), await _core.ReadFileAsync("a.txt")); // within the TTL: the lookup is the table's, the open asks
        Assert.Equal(["GET a.txt"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}"));
    }

    [Fact]
    public async Task Only_the_open_right_after_a_lookup_by_the_same_process_takes_its_answer()
    {
        foreach (var name in new[] { "same.txt", "other-process.txt", "later.txt" }) _core.Store.Put(name, "one"u8.ToArray());
        var same = await _core.InodeOfAsync("same.txt");
        var otherProcess = await _core.InodeOfAsync("other-process.txt");
        _core.Clock.Advance(TimeSpan.FromMilliseconds(5));
        var later = await _core.InodeOfAsync("later.txt");
        _core.Store.ClearRequests();

        Assert.True((await _core.Fs.OpenAsync(Core.Caller, same, 0)).Ok); // the same open() as its lookup
        Assert.Empty(_core.Store.Requests);

        // Another container changes the files; a stat() just before is not the open's own lookup.
        _core.Store.Put("other-process.txt", "two"u8.ToArray());
        _core.Store.Put("later.txt", "two"u8.ToArray());
        Assert.True((await _core.Fs.OpenAsync(Core.Caller with { Pid = Core.Caller.Pid + 1 }, otherProcess, 0)).Ok);
        _core.Clock.Advance(TimeSpan.FromMilliseconds(20)); // well within the TTL, but not the same open()
        Assert.True((await _core.Fs.OpenAsync(Core.Caller, later, 0)).Ok);
        Assert.Equal(["GET later.txt", "GET other-process.txt"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}").Order());
    }

    [Fact]
    public async Task A_stat_just_before_an_open_of_the_same_process_does_not_answer_the_open()
    {
        _core.Store.Put("a.txt", "one"u8.ToArray());
        await _core.InodeOfAsync("a.txt"); // stat(): its lookup asked the bucket, the kernel keeps the name for no time
        _core.Store.Remove("a.txt"); // another container deletes it
        _core.Store.ClearRequests();

        var inode = await _core.InodeOfAsync("a.txt"); // open(): the kernel looks up again, the table answers
        Assert.Equal(Errno.ENOENT, (await _core.Fs.OpenAsync(Core.Caller, inode, 0)).Error);
        // The open asked (and, finding no file, probed whether the name became a directory).
        Assert.Equal(["GET a.txt", "GET a.txt", "HEAD a.txt/", "LIST a.txt/"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}").Order());
    }

    [Fact]
    public async Task An_answer_the_bucket_gave_to_a_stat_by_inode_does_not_answer_a_later_open()
    {
        _core.Store.Put("a.txt", "one"u8.ToArray());
        var inode = await _core.InodeOfAsync("a.txt");
        Assert.True((await _core.Fs.OpenAsync(Core.Caller, inode, 0)).Ok); // the lookup's answer, used once
        _core.Clock.Advance(Core.Ttl * 2);
        Assert.True((await _core.Fs.GetAttributesAsync(Core.Caller, inode, null)).Ok); // fstat(): the bucket answers anew
        _core.Store.Remove("a.txt");
        _core.Store.ClearRequests();

        Assert.Equal(Errno.ENOENT, (await _core.Fs.OpenAsync(Core.Caller, inode, 0)).Error); // same process, same instant
        Assert.Equal(["GET a.txt", "GET a.txt", "HEAD a.txt/", "LIST a.txt/"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}").Order());
    }

    [Fact]
    public async Task Bytes_kept_from_this_mounts_own_upload_give_way_to_another_containers_new_version()
    {
        var (inode, writer) = await _core.CreateAsync("notes.txt");
        _core.Write(inode, writer, "mine"u8.ToArray());
        Assert.Equal(0, await _core.Fs.FlushAsync(Core.Caller, inode, writer)); // uploaded; the handle stays open
        _core.Store.Put("notes.txt", "theirs!"u8.ToArray());

        var reader = await _core.Fs.OpenAsync(Core.Caller, inode, 0);
        var buffer = new byte[64];
        var read = await _core.Fs.ReadAsync(Core.Caller, inode, reader.Value.Handle, buffer, 0);
        Assert.Equal("theirs!", System.Text.Encoding.ASCII.GetString(buffer, 0, read.Value));
        await _core.Fs.ReleaseAsync(Core.Caller, inode, reader.Value.Handle);
        await _core.Fs.ReleaseAsync(Core.Caller, inode, writer);
    }

    [Fact]
    public async Task An_open_of_a_file_removed_elsewhere_is_ENOENT_even_within_the_ttl()
    {
        _core.Store.Put("a.txt", "one"u8.ToArray());
        await _core.ReadFileAsync("a.txt");
        _core.Store.Remove("a.txt");
        var inode = await _core.InodeOfAsync("a.txt"); // the table still trusts the name for stat()
        Assert.Equal(Errno.ENOENT, (await _core.Fs.OpenAsync(Core.Caller, inode, 0)).Error);
        Assert.Equal(Errno.ENOENT, (await _core.LookupAsync("a.txt")).Error);
    }

    [Fact]
    public async Task The_kernel_keeps_its_pages_only_when_the_open_finds_the_version_it_already_has()
    {
        _core.Store.Put("a.txt", "one"u8.ToArray());
        var inode = await _core.InodeOfAsync("a.txt");
        var first = await _core.Fs.OpenAsync(Core.Caller, inode, 0);
        Assert.False(first.Value.KeepCache);
        var second = await _core.Fs.OpenAsync(Core.Caller, inode, 0);
        Assert.True(second.Value.KeepCache);
        _core.Store.Put("a.txt", "two"u8.ToArray()); // same size, another content
        var third = await _core.Fs.OpenAsync(Core.Caller, inode, 0);
        Assert.False(third.Value.KeepCache);
    }

    [Fact]
    public async Task A_big_file_is_read_in_ranged_GETs_beyond_what_the_lookup_brought()
    {
        var big = new byte[3 << 20];
        new Random(1).NextBytes(big);
        _core.Store.Put("big.bin", big);
        Assert.Equal(big, await _core.ReadFileAsync("big.bin"));
        Assert.Contains(_core.Store.Requests, r => r.Kind == "GET" && r.Key == "big.bin");
    }

    [Fact]
    public async Task An_unlinked_open_file_keeps_its_content_and_attributes_until_the_last_close()
    {
        await _core.WriteFileAsync("tmp", "temporary"u8.ToArray());
        var inode = await _core.InodeOfAsync("tmp");
        var open = await _core.Fs.OpenAsync(Core.Caller, inode, 2);
        Assert.Equal(0, await _core.Fs.UnlinkAsync(Core.Caller, FuseFileSystem.RootInode, "tmp"));
        Assert.Null(_core.Store.Get("tmp"));

        var stat = await _core.Fs.GetAttributesAsync(Core.Caller, inode, open.Value.Handle);
        Assert.Equal(9, stat.Value.Stat.Size); // fstat() answers until the last close
        var buffer = new byte[32];
        var read = await _core.Fs.ReadAsync(Core.Caller, inode, open.Value.Handle, buffer, 0);
        Assert.Equal("temporary", System.Text.Encoding.ASCII.GetString(buffer, 0, read.Value));
        Assert.Equal(0, await _core.CloseAsync(inode, open.Value.Handle));
        Assert.Empty(_core.Store.Keys); // never uploaded again
    }
}
