using SharedFs.Fuse;

namespace SharedFs.Core.Tests;

/// <summary>What a lookup costs, and why it answers as it does.</summary>
public sealed class LookupTests : IDisposable
{
    private readonly Core _core = new();

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_lookup_of_a_name_nobody_has_sends_three_requests_at_once_and_answers_ENOENT()
    {
        _core.Store.Holding = true;
        var lookup = _core.Fs.LookupAsync(Core.Caller, FuseFileSystem.RootInode, "photo.jpg").AsTask();
        await _core.Store.WaitForInFlightAsync(3); // all three on the wire together: one round trip
        _core.Store.Release();
        var entry = await lookup;

        Assert.Equal(Errno.ENOENT, entry.Error);
        Assert.Equal(["GET photo.jpg", "HEAD photo.jpg/", "LIST photo.jpg/"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}").Order());
    }

    [Fact]
    public async Task A_missing_name_is_asked_again_by_every_lookup_and_found_as_soon_as_another_container_put_it()
    {
        Assert.Equal(Errno.ENOENT, (await _core.LookupAsync("late.txt")).Error);
        Assert.Equal(Errno.ENOENT, (await _core.LookupAsync("late.txt")).Error);
        Assert.Equal(6, _core.Store.Requests.Count); // nothing remembered "no such name"

        _core.Store.Put("late.txt", "here"u8.ToArray());
        var entry = await _core.LookupAsync("late.txt");
        Assert.True(entry.Ok);
        Assert.Equal(4, entry.Value.Attributes.Size);
    }

    [Fact]
    public async Task A_known_file_is_answered_from_the_table_within_the_ttl_and_asked_again_after_it()
    {
        _core.Store.Put("a.txt", "abc"u8.ToArray());
        await _core.LookupAsync("a.txt");
        _core.Store.ClearRequests();

        _core.Advance(Core.Ttl - TimeSpan.FromMilliseconds(1));
        Assert.True((await _core.LookupAsync("a.txt")).Ok);
        Assert.Empty(_core.Store.Requests);

        _core.Advance(TimeSpan.FromMilliseconds(1));
        _core.Store.Put("a.txt", "changed"u8.ToArray());
        var entry = await _core.LookupAsync("a.txt");
        Assert.Equal(["GET a.txt"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}")); // its own form only
        Assert.Equal(7, entry.Value.Attributes.Size);
    }

    [Fact]
    public async Task A_walk_over_known_files_past_the_ttl_lists_the_directory_once_instead_of_asking_for_each_file()
    {
        _core.Store.Put("docs/", []); // a marker: revalidating the directory itself is one HEAD
        for (var i = 0; i < 20; i++) _core.Store.Put($"docs/f{i:D2}", "same"u8.ToArray());
        for (var i = 0; i < 20; i++) await _core.LookupAsync($"docs/f{i:D2}");
        _core.Advance(Core.Ttl * 5);
        _core.Store.Put("docs/f10", "changed"u8.ToArray());
        _core.Store.ClearRequests();

        for (var i = 0; i < 20; i++) Assert.True((await _core.LookupAsync($"docs/f{i:D2}")).Ok);

        // docs itself, the first file, the listing; then only the file the listing showed changed.
        Assert.Equal(["GET docs/f00", "GET docs/f10", "HEAD docs/", "LIST docs/"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}").Order());
        Assert.Equal(7, (await _core.LookupAsync("docs/f10")).Value.Attributes.Size);
    }

    [Fact]
    public async Task A_lone_revalidation_is_not_a_walk_and_lists_nothing()
    {
        _core.Store.Put("docs/", []);
        _core.Store.Put("docs/a", "a"u8.ToArray());
        _core.Store.Put("docs/b", "b"u8.ToArray());
        await _core.LookupAsync("docs/a");
        await _core.LookupAsync("docs/b");
        _core.Advance(Core.Ttl * 5);
        _core.Store.ClearRequests();
        await _core.LookupAsync("docs/a");
        _core.Advance(Core.Ttl * 5);
        await _core.LookupAsync("docs/b");
        Assert.DoesNotContain(_core.Store.Requests, r => r.Kind == "LIST");
    }

    [Fact]
    public async Task The_kernel_may_keep_an_answer_for_what_is_left_of_the_ttl_only()
    {
        _core.Store.Put("a.txt", "abc"u8.ToArray());
        var first = await _core.LookupAsync("a.txt");
        Assert.Equal(TimeSpan.Zero, first.Value.EntryTimeout); // the bucket's answer serves this call's open only
        Assert.Equal(Core.Ttl, first.Value.AttributeTimeout);
        _core.Advance(TimeSpan.FromMilliseconds(400));
        var second = await _core.LookupAsync("a.txt");
        Assert.Equal(TimeSpan.FromMilliseconds(600), second.Value.EntryTimeout);
        Assert.Equal(second.Value.EntryTimeout, second.Value.AttributeTimeout);
    }

    [Fact]
    public async Task A_file_removed_elsewhere_is_ENOENT_for_stat_and_lookup_once_the_ttl_is_over()
    {
        _core.Store.Put("gone.txt", "x"u8.ToArray());
        var inode = await _core.InodeOfAsync("gone.txt");
        _core.Store.Remove("gone.txt");
        _core.Advance(Core.Ttl);

        Assert.Equal(Errno.ENOENT, (await _core.Fs.GetAttributesAsync(Core.Caller, inode, null)).Error);
        Assert.Equal(Errno.ENOENT, (await _core.LookupAsync("gone.txt")).Error);
    }

    [Fact]
    public async Task Directories_in_every_form_are_found_by_one_lookup()
    {
        _core.Store.Put("marker/", [], new Dictionary<string, string> { ["mode"] = "448" });
        _core.Store.Put("implicit/child", "c"u8.ToArray());
        _core.Store.Put("plain", [], contentType: "application/x-directory");

        var marker = await _core.LookupAsync("marker");
        Assert.Equal(FileMode.Directory | 0x1C0u, marker.Value.Attributes.Mode);
        Assert.Equal(FileMode.Directory | 0x1EDu, (await _core.LookupAsync("implicit")).Value.Attributes.Mode);
        Assert.Equal(FileMode.Directory, (await _core.LookupAsync("plain")).Value.Attributes.Mode & FileMode.TypeMask);
    }

    [Fact]
    public async Task A_name_over_255_bytes_or_a_key_over_1024_is_ENAMETOOLONG_without_a_request()
    {
        Assert.Equal(Errno.ENAMETOOLONG, (await _core.Fs.LookupAsync(Core.Caller, FuseFileSystem.RootInode, new string('n', 256))).Error);
        Assert.Empty(_core.Store.Requests);
    }

    [Fact]
    public async Task An_empty_file_costs_a_HEAD_more_because_a_ranged_GET_of_nothing_carries_no_metadata()
    {
        _core.Store.Put("empty", [], new Dictionary<string, string> { ["mode"] = "33152" });
        var entry = await _core.LookupAsync("empty");
        Assert.Equal(FileMode.Regular | 0x180u, entry.Value.Attributes.Mode);
        Assert.Contains(_core.Store.Requests, r => r is { Kind: "HEAD", Key: "empty" });
    }
}
