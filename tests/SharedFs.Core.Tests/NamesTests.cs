using SharedFs.Fuse;

namespace SharedFs.Core.Tests;

/// <summary>Names made, moved and removed: each in the bucket when its call returns.</summary>
public sealed class NamesTests : IDisposable
{
    private readonly Core _core = new();

    public void Dispose() => _core.Dispose();

    private static FuseContext Caller => Core.Caller;

    [Fact]
    public async Task Mkdir_is_one_PUT_of_a_marker_and_the_directory_is_listed_empty_at_once()
    {
        Assert.Equal(Errno.ENOENT, (await _core.LookupAsync("made")).Error);
        _core.Store.ClearRequests();
        var made = await _core.Fs.MakeDirectoryAsync(Caller, FuseFileSystem.RootInode, "made", 0x1ED);
        Assert.True(made.Ok);
        Assert.Equal(["PUT made/"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}"));
        _core.Store.Put("made/from-elsewhere", "x"u8.ToArray());
        Assert.Equal(["from-elsewhere"], await _core.ListAsync("made")); // never answered as empty from memory
    }

    [Fact]
    public async Task Renaming_a_directory_moves_its_whole_subtree_keys_and_nodes()
    {
        await _core.Fs.MakeDirectoryAsync(Caller, FuseFileSystem.RootInode, "old", 0x1ED);
        await _core.WriteFileAsync("old/a", "a"u8.ToArray());
        await _core.WriteFileAsync("old/sub/b", "b"u8.ToArray()).ContinueWith(_ => { });
        var sub = await _core.Fs.MakeDirectoryAsync(Caller, await _core.InodeOfAsync("old"), "sub", 0x1ED);
        await _core.WriteFileAsync("old/sub/b", "b"u8.ToArray());
        var inodeOfB = await _core.InodeOfAsync("old/sub/b");

        Assert.Equal(0, await _core.Fs.RenameAsync(Caller, FuseFileSystem.RootInode, "old", FuseFileSystem.RootInode, "new", 0));
        Assert.Equal(["new/", "new/a", "new/sub/", "new/sub/b"], _core.Store.Keys);
        Assert.Equal(inodeOfB, await _core.InodeOfAsync("new/sub/b")); // the same node, under its new name
        Assert.Equal("b"u8.ToArray(), await _core.ReadFileAsync("new/sub/b"));
        Assert.True(sub.Ok);
    }

    [Fact]
    public async Task Renaming_a_file_is_a_copy_then_a_delete_with_a_new_ctime()
    {
        await _core.WriteFileAsync("draft", "text"u8.ToArray());
        var before = (await _core.LookupAsync("draft")).Value.Attributes.ChangeTime;
        _core.Advance(TimeSpan.FromSeconds(5));
        _core.Store.ClearRequests();
        Assert.Equal(0, await _core.Fs.RenameAsync(Caller, FuseFileSystem.RootInode, "draft", FuseFileSystem.RootInode, "final", 0));
        Assert.Equal(["COPY final", "DELETE draft"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}"));
        var after = (await _core.LookupAsync("final")).Value.Attributes.ChangeTime;
        Assert.Equal(before.Seconds + 5, after.Seconds);
    }

    [Fact]
    public async Task Renaming_a_file_never_uploaded_moves_it_here_and_its_close_stores_it_under_the_new_name()
    {
        var (inode, handle) = await _core.CreateAsync("tmp.part");
        _core.Write(inode, handle, "data"u8.ToArray());
        Assert.Equal(0, await _core.Fs.RenameAsync(Caller, FuseFileSystem.RootInode, "tmp.part", FuseFileSystem.RootInode, "done", 0));
        Assert.Equal(0, await _core.CloseAsync(inode, handle));
        Assert.Equal(["done"], _core.Store.Keys);
    }

    [Fact]
    public async Task Rename_refuses_what_posix_refuses()
    {
        await _core.Fs.MakeDirectoryAsync(Caller, FuseFileSystem.RootInode, "d", 0x1ED);
        await _core.Fs.MakeDirectoryAsync(Caller, await _core.InodeOfAsync("d"), "inner", 0x1ED);
        await _core.WriteFileAsync("f", "f"u8.ToArray());
        var root = FuseFileSystem.RootInode;
        Assert.Equal(Errno.EINVAL, await _core.Fs.RenameAsync(Caller, root, "d", await _core.InodeOfAsync("d/inner"), "x", 0));
        Assert.Equal(Errno.EISDIR, await _core.Fs.RenameAsync(Caller, root, "f", root, "d", 0));
        Assert.Equal(Errno.ENOTDIR, await _core.Fs.RenameAsync(Caller, root, "d", root, "f", 0));
        Assert.Equal(Errno.EEXIST, await _core.Fs.RenameAsync(Caller, root, "f", root, "d", 1));
        Assert.Equal(Errno.EINVAL, await _core.Fs.RenameAsync(Caller, root, "f", root, "g", 2));
        Assert.Equal(0, await _core.Fs.RenameAsync(Caller, root, "f", root, "f", 0));
    }

    [Fact]
    public async Task Rmdir_of_a_directory_with_a_child_only_the_bucket_has_is_ENOTEMPTY()
    {
        await _core.Fs.MakeDirectoryAsync(Caller, FuseFileSystem.RootInode, "full", 0x1ED);
        _core.Store.Put("full/child", "c"u8.ToArray());
        Assert.Equal(Errno.ENOTEMPTY, await _core.Fs.RemoveDirectoryAsync(Caller, FuseFileSystem.RootInode, "full"));
        _core.Store.Remove("full/child");
        Assert.Equal(0, await _core.Fs.RemoveDirectoryAsync(Caller, FuseFileSystem.RootInode, "full"));
        Assert.Empty(_core.Store.Keys);
    }

    [Fact]
    public async Task Symlinks_fifos_and_devices_are_objects_with_their_type_in_the_mode()
    {
        var root = FuseFileSystem.RootInode;
        var link = await _core.Fs.SymlinkAsync(Caller, "target/path", root, "link");
        var fifo = await _core.Fs.MakeNodeAsync(Caller, root, "fifo", FileMode.Fifo | 0x1A4, 0);
        var device = await _core.Fs.MakeNodeAsync(Caller, root, "null", FileMode.CharacterDevice | 0x1B6, 0x103);
        Assert.Equal("target/path"u8.ToArray(), _core.Store.Get("link"));
        Assert.Equal("41471", _core.Store.MetadataOf("link")!["mode"]);
        Assert.Equal("4516", _core.Store.MetadataOf("fifo")!["mode"]);
        Assert.Equal(("8630", "259"), (_core.Store.MetadataOf("null")!["mode"], _core.Store.MetadataOf("null")!["rdev"]));
        Assert.Equal(FileMode.Fifo, fifo.Value.Attributes.Mode & FileMode.TypeMask);
        Assert.Equal(0x103UL, device.Value.Attributes.RDev);
        Assert.Equal("target/path", (await _core.Fs.ReadLinkAsync(Caller, link.Value.Inode)).Value);
    }

    [Fact]
    public async Task A_chmod_of_a_file_in_the_bucket_is_one_copy_onto_itself_before_it_returns()
    {
        await _core.WriteFileAsync("mode.txt", "m"u8.ToArray());
        var inode = await _core.InodeOfAsync("mode.txt");
        _core.Store.ClearRequests();
        var changed = await _core.Fs.SetAttributesAsync(Caller, inode, new AttributeChanges(FileMode.Regular | 0x180, null, null, null, null, null, false, false), null);
        Assert.Equal(FileMode.Regular | 0x180u, changed.Value.Stat.Mode);
        Assert.Equal(["COPY mode.txt"], _core.Store.Requests.Select(r => $"{r.Kind} {r.Key}"));
        Assert.Equal("33152", _core.Store.MetadataOf("mode.txt")!["mode"]);
    }

    [Fact]
    public async Task Extended_attributes_are_stored_in_s3fs_s_header_and_read_back_without_a_request()
    {
        await _core.WriteFileAsync("x.txt", "x"u8.ToArray());
        var inode = await _core.InodeOfAsync("x.txt");
        Assert.Equal(0, await _core.Fs.SetExtendedAttributeAsync(Caller, inode, "user.color", "blue"u8.ToArray(), 0));
        Assert.Contains("xattr", _core.Store.MetadataOf("x.txt")!.Keys);
        _core.Store.ClearRequests();
        Assert.Equal("blue"u8.ToArray(), (await _core.Fs.GetExtendedAttributeAsync(Caller, inode, "user.color")).Value);
        Assert.Equal(Errno.ENODATA, (await _core.Fs.GetExtendedAttributeAsync(Caller, inode, "user.none")).Error);
        Assert.Empty(_core.Store.Requests);
        Assert.Equal(Errno.EEXIST, await _core.Fs.SetExtendedAttributeAsync(Caller, inode, "user.color", "red"u8.ToArray(), 1));
        Assert.Equal(Errno.EOPNOTSUPP, await _core.Fs.SetExtendedAttributeAsync(Caller, inode, "system.posix_acl_access", [1], 0));
    }

    [Fact]
    public async Task Hard_links_are_EPERM()
    {
        await _core.WriteFileAsync("one", "1"u8.ToArray());
        Assert.Equal(Errno.EPERM, (await _core.Fs.LinkAsync(Caller, await _core.InodeOfAsync("one"), FuseFileSystem.RootInode, "two")).Error);
    }

    [Fact]
    public async Task With_write_back_on_a_name_unlinked_here_is_gone_at_once_although_its_DELETE_is_still_queued()
    {
        using var core = new Core(SharedFs.FileSystem.WriteBackMode.On);
        core.Store.Put("queued.txt", "q"u8.ToArray());
        await core.LookupAsync("queued.txt");
        core.Store.Holding = true;
        Assert.Equal(0, await core.Fs.UnlinkAsync(Caller, FuseFileSystem.RootInode, "queued.txt"));
        Assert.NotNull(core.Store.Get("queued.txt"));
        Assert.Equal(Errno.ENOENT, (await core.Fs.LookupAsync(Caller, FuseFileSystem.RootInode, "queued.txt")).Error);
        core.Store.Holding = false;
        core.Store.Release();
        var sync = await core.Fs.FSyncDirectoryAsync(Caller, FuseFileSystem.RootInode, 0, false);
        Assert.Equal(0, sync);
        Assert.Null(core.Store.Get("queued.txt"));
    }
}
