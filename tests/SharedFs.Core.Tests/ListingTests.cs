using SharedFs.Fuse;

namespace SharedFs.Core.Tests;

/// <summary>Every opendir lists anew; a listing costs a HEAD only for what the table cannot prove.</summary>
public sealed class ListingTests : IDisposable
{
    private readonly Core _core = new();

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task The_next_opendir_shows_a_file_another_container_just_put_even_within_the_ttl()
    {
        _core.Store.Put("gallery/a.png", "a"u8.ToArray());
        Assert.Equal(["a.png"], await _core.ListAsync("gallery"));
        _core.Store.Put("gallery/b.png", "b"u8.ToArray());
        Assert.Equal(["a.png", "b.png"], await _core.ListAsync("gallery"));
        _core.Store.Remove("gallery/a.png");
        Assert.Equal(["b.png"], await _core.ListAsync("gallery"));
    }

    [Fact]
    public async Task A_listed_file_whose_version_the_table_holds_needs_no_HEAD_and_a_changed_one_does()
    {
        for (var i = 0; i < 5; i++) _core.Store.Put($"docs/f{i}", "same"u8.ToArray());
        var inode = await _core.InodeOfAsync("docs");
        _core.Store.ClearRequests();
        await ListAsync(inode);
        Assert.Equal(5, _core.Store.Requests.Count(r => r.Kind == "HEAD"));

        _core.Advance(TimeSpan.FromSeconds(10));
        _core.Store.Put("docs/f3", "changed"u8.ToArray());
        _core.Store.ClearRequests();
        await ListAsync(inode);
        Assert.Equal(["HEAD docs/f3", "LIST docs/"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}").Order());
    }

    [Fact]
    public async Task The_heads_of_a_listing_are_sent_64_at_once()
    {
        for (var i = 0; i < 100; i++) _core.Store.Put($"wide/e{i:D3}", "x"u8.ToArray());
        var inode = await _core.InodeOfAsync("wide");
        _core.Store.Holding = true;
        var listing = _core.Fs.OpenDirectoryAsync(Core.Caller, inode, 0).AsTask();
        await _core.Store.WaitForInFlightAsync(1); // the LIST
        _core.Store.Release();
        await _core.Store.WaitForInFlightAsync(64); // then the HEADs, 64 on the wire together
        while (!listing.IsCompleted)
        {
            _core.Store.Release();
            await Task.Delay(1);
        }
        Assert.True((await listing).Ok);
        Assert.Equal(100, _core.Store.Requests.Count(r => r.Kind == "HEAD" && r.Key.StartsWith("wide/e", StringComparison.Ordinal)));
    }

    private async Task ListAsync(ulong inode)
    {
        var open = await _core.Fs.OpenDirectoryAsync(Core.Caller, inode, 0);
        await _core.Fs.ReleaseDirectoryAsync(Core.Caller, inode, open.Value.Handle);
    }

    [Fact]
    public async Task A_file_made_here_and_not_yet_uploaded_is_listed_with_the_bucket_s_files()
    {
        _core.Store.Put("mixed/remote", "r"u8.ToArray());
        var (inode, handle) = await _core.CreateAsync("mixed/local");
        Assert.Equal(["local", "remote"], await _core.ListAsync("mixed"));
        await _core.CloseAsync(inode, handle);
    }

    [Fact]
    public async Task Keys_that_cannot_be_names_are_left_out_of_listings()
    {
        _core.Store.Put("odd/ok", "1"u8.ToArray());
        _core.Store.Put("odd//double", "2"u8.ToArray());
        _core.Store.Put("odd/" + new string('n', 256), "3"u8.ToArray());
        Assert.Equal(["ok"], await _core.ListAsync("odd"));
    }

    [Fact]
    public async Task Legacy_folder_objects_and_implicit_directories_are_listed_as_directories()
    {
        _core.Store.Put("root/legacy_$folder$", []);
        _core.Store.Put("root/implicit/child", "c"u8.ToArray());
        Assert.Equal(["implicit", "legacy"], await _core.ListAsync("root"));
        var legacy = await _core.LookupAsync("root/legacy");
        Assert.Equal(FileMode.Directory, legacy.Value.Attributes.Mode & FileMode.TypeMask);
    }
}
