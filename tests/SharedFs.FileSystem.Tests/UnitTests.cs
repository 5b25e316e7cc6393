using SharedFs.FileSystem.Content;
using SharedFs.FileSystem.Metadata;
using SharedFs.FileSystem.Nodes;
using SharedFs.FileSystem.Upload;
using SharedFs.Fuse;
using SharedFs.Storage;
using SharedFs.TestSupport;

namespace SharedFs.FileSystem.Tests;

/// <summary>The pure pieces below the mount: range maps, the s3fs metadata format, key rules, local content, upload choices.</summary>
public sealed class UnitTests
{
    private readonly MetadataCodec _codec = new(7, 8);

    [Fact]
    public void RangeSet_merges_truncates_and_finds_gaps()
    {
        var set = new RangeSet();
        set.Add(10, 20);
        set.Add(30, 40);
        set.Add(18, 32);
        Assert.Equal([(10L, 40L)], set.Ranges);
        set.Add(50, 60);
        Assert.Equal([(0L, 10L), (40L, 50L), (60L, 70L)], set.Gaps(0, 70));
        set.TruncateTo(55);
        Assert.Equal([(10L, 40L), (50L, 55L)], set.Ranges);
        Assert.True(set.Contains(12, 39));
        Assert.False(set.Contains(35, 51));
    }

    [Fact]
    public void Metadata_reads_what_s3fs_writes()
    {
        var meta = new Dictionary<string, string> { ["mode"] = "33184", ["uid"] = "1000", ["gid"] = "100", ["mtime"] = "1577934245.678000000" };
        var file = _codec.Decode(new ObjectInfo("f", 3, DateTimeOffset.UnixEpoch, "e", null, meta), DirectoryForm.None);
        Assert.Equal(NodeKind.File, file.Kind);
        Assert.Equal(0x1A0u, file.Attributes.Permissions);
        Assert.Equal((1000u, 100u), (file.Attributes.Uid, file.Attributes.Gid));
        Assert.Equal(new TimeSpec(1577934245, 678000000), file.Attributes.ModifyTime);
        var link = _codec.Decode(new ObjectInfo("l", 1, DateTimeOffset.UnixEpoch, "e", null, new Dictionary<string, string> { ["mode"] = "41471" }), DirectoryForm.None);
        Assert.Equal(NodeKind.SymbolicLink, link.Kind);
        var dir = _codec.Decode(new ObjectInfo("d/", 0, DateTimeOffset.UnixEpoch, "e", null, new Dictionary<string, string> { ["mode"] = "493" }), DirectoryForm.Marker);
        Assert.Equal((NodeKind.Directory, 0x1EDu), (dir.Kind, dir.Attributes.Permissions));
        var fifo = _codec.Decode(new ObjectInfo("p", 0, DateTimeOffset.UnixEpoch, "e", null, new Dictionary<string, string> { ["mode"] = "4516" }), DirectoryForm.None);
        Assert.Equal((NodeKind.Fifo, 0x1A4u), (fifo.Kind, fifo.Attributes.Permissions));
        var device = _codec.Decode(new ObjectInfo("c", 0, DateTimeOffset.UnixEpoch, "e", null, new Dictionary<string, string> { ["mode"] = "8612", ["rdev"] = "259" }), DirectoryForm.None);
        Assert.Equal((NodeKind.CharacterDevice, 259UL), (device.Kind, device.Attributes.Device));
        var bare = _codec.Decode(new ObjectInfo("b", 0, DateTimeOffset.FromUnixTimeSeconds(42), null, null, new Dictionary<string, string>()), DirectoryForm.None);
        Assert.Equal((0x1A4u, 7u, 8u, 42L), (bare.Attributes.Permissions, bare.Attributes.Uid, bare.Attributes.Gid, bare.Attributes.ModifyTime.Seconds));
    }

    [Fact]
    public void An_old_s3fs_directory_object_without_a_slash_is_a_directory()
    {
        var plain = _codec.Decode(new ObjectInfo("d", 0, DateTimeOffset.UnixEpoch, "e", "application/x-directory", new Dictionary<string, string>()), DirectoryForm.None);
        Assert.Equal((NodeKind.Directory, DirectoryForm.PlainObject, 0x1EDu), (plain.Kind, plain.Version.Form, plain.Attributes.Permissions));
    }

    [Fact]
    public void Metadata_is_written_in_s3fs_format()
    {
        var attributes = new NodeAttributes(0x1A0, 1, 2, 0, new TimeSpec(1577934245, 678000000), new TimeSpec(5, 0), new TimeSpec(5, 0));
        var meta = MetadataCodec.Encode(NodeKind.File, attributes, ExtendedAttributes.None);
        Assert.Equal("33184", meta["mode"]);
        Assert.Equal("1577934245.678000000", meta["mtime"]);
        Assert.Equal("5", meta["ctime"]);
        Assert.False(meta.ContainsKey("xattr"));
        Assert.Equal("493", MetadataCodec.Encode(NodeKind.Directory, attributes with { Permissions = 0x1ED }, ExtendedAttributes.None)["mode"]);
        var device = MetadataCodec.Encode(NodeKind.BlockDevice, attributes with { Device = 2049 }, ExtendedAttributes.None);
        Assert.Equal(("24992", "2049"), (device["mode"], device["rdev"]));
    }

    [Fact]
    public void Extended_attributes_round_trip_in_s3fs_s_url_encoded_json_of_base64_values()
    {
        var xattrs = ExtendedAttributes.None.With("user.color", "blue"u8.ToArray()).With("user.bin", [0, 255, 10]);
        var header = xattrs.Encode()!;
        Assert.Equal(Uri.EscapeDataString("{\"user.bin\":\"AP8K\",\"user.color\":\"Ymx1ZQ==\"}"), header);
        var back = ExtendedAttributes.Decode(header);
        Assert.Equal("blue"u8.ToArray(), back.Values["user.color"]);
        Assert.Equal(new byte[] { 0, 255, 10 }, back.Values["user.bin"]);
        Assert.Equal("user.bin\0user.color\0"u8.ToArray(), back.NameList());
        Assert.True(ExtendedAttributes.Decode("%7Bnot json").IsEmpty);
    }

    [Theory]
    [InlineData("photo.JPG", "image/jpeg")]
    [InlineData("site.css", "text/css")]
    [InlineData("archive.tar.gz", "application/gzip")]
    [InlineData("README", "application/octet-stream")]
    [InlineData(".hidden", "application/octet-stream")]
    public void A_new_object_s_content_type_comes_from_its_name(string name, string type) => Assert.Equal(type, ContentTypes.ForName(name));

    [Theory]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    public void Only_real_names_are_listed(string name, bool valid) => Assert.Equal(valid, ObjectKeys.IsValidName(name));

    [Fact]
    public void Names_over_255_bytes_and_keys_over_1024_bytes_are_too_long()
    {
        Assert.Equal("a/b", ObjectKeys.Child("a", "b"));
        Assert.Equal("b", ObjectKeys.Child("", "b"));
        Assert.True(ObjectKeys.IsTooLong(new string('x', 256), new string('x', 256)));
        Assert.False(ObjectKeys.IsTooLong(new string('x', 255), new string('x', 255)));
        Assert.True(ObjectKeys.IsTooLong("x", new string('d', 1023) + "/x"));
        Assert.False(ObjectKeys.IsTooLong("x", new string('d', 1020) + "/x"));
    }

    [Fact]
    public void Local_content_keeps_written_bytes_over_the_base_and_knows_what_to_fetch()
    {
        using var folder = new TempDirectory("sharedfs-content");
        using var staging = new StagingArea(folder.Path);
        var content = new FileContent(staging, "\"base\"", 100);
        content.Write(10, "hello"u8);
        Assert.Equal([(0L, 10L), (15L, 100L)], content.MissingBase(0, 100));
        content.FillBase(0, Enumerable.Repeat((byte)'b', 100).ToArray());
        Assert.Empty(content.MissingBase(0, 100));
        var bytes = new byte[20];
        Assert.True(content.TryRead(0, bytes, out var read));
        Assert.Equal(20, read);
        Assert.Equal("bbbbbbbbbbhellobbbbb", System.Text.Encoding.ASCII.GetString(bytes));
        content.Truncate(12);
        Assert.Equal((12L, 12L), (content.Size, content.BaseLength));
        Assert.Equal([(10L, 12L)], content.Written);
        content.Discard();
        Assert.False(content.TryRead(0, bytes, out _)); // a discarded content never serves zeros
    }

    [Fact]
    public void Content_bigger_than_memory_moves_to_a_staging_file_and_reads_the_same()
    {
        using var folder = new TempDirectory("sharedfs-content");
        using var staging = new StagingArea(folder.Path);
        var content = new FileContent(staging, null, 0);
        var big = new byte[FileContent.MemoryLimit + 5];
        new Random(3).NextBytes(big);
        content.Write(0, big.AsSpan(0, 1000));
        Assert.Empty(Directory.GetFiles(staging.Directory, "stage-*"));
        content.Write(1000, big.AsSpan(1000));
        Assert.Single(Directory.GetFiles(staging.Directory, "stage-*"));
        Assert.Equal(big, content.ToArray());
        Assert.Equal(FileContent.MemoryLimit + 5L, content.WrittenPrefix);
        content.Discard();
        Assert.Empty(Directory.GetFiles(staging.Directory, "stage-*"));
    }

    [Theory]
    [InlineData(4096, 0, "WholeBody")]             // a small new file
    [InlineData(4096, 4096, "WholeBody")]          // a small changed file
    [InlineData(100L << 20, 0, "WholeBody")]       // a big new file not streamed
    [InlineData(100L << 20, 100L << 20, "Compose")] // a big file changed in part
    public void The_upload_strategy_follows_size_and_base(long size, long baseLength, string expected) =>
        Assert.Equal(expected, Uploader.Choose(size, baseLength, null, 0).ToString());
}
