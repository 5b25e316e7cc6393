using SharedFs.Fuse;
using SharedFs.Storage;

namespace SharedFs.FileSystem.Tests;

/// <summary>The pure pieces below the mount: range maps, compose plans, the s3fs metadata format, key rules.</summary>
public sealed class UnitTests
{
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
    public void ComposePlan_copies_untouched_ranges_and_keeps_every_part_but_the_last_at_5_MiB()
    {
        const long MiB = 1 << 20;
        var written = new RangeSet();
        written.Add(100 * MiB, 100 * MiB + 10);   // a tiny patch in the middle
        written.Add(300 * MiB, 301 * MiB);        // an append
        var plan = ComposePlan.Build(301 * MiB, 300 * MiB, written);
        Assert.Equal(0, plan[0].Start);
        Assert.Equal(301 * MiB, plan[^1].End);
        for (var i = 1; i < plan.Count; i++) Assert.Equal(plan[i - 1].End, plan[i].Start);
        Assert.All(plan.SkipLast(1), s => Assert.True(s.Length >= ComposePlan.MinPartSize));
        // The patch travels with about 5 MiB, not the whole file.
        Assert.True(plan.Where(s => s.Local).Sum(s => s.Length) <= 12 * MiB);
        Assert.Contains(plan, s => !s.Local && s.Start == 0);
    }

    [Fact]
    public void ComposePlan_makes_a_hole_past_the_copyable_prefix_local()
    {
        var plan = ComposePlan.Build(20 << 20, 10 << 20, new RangeSet());
        Assert.Equal([new ComposePlan.Segment(0, 10 << 20, false), new ComposePlan.Segment(10 << 20, 20 << 20, true)], plan);
    }

    [Fact]
    public void Metadata_reads_what_s3fs_writes()
    {
        var meta = new Dictionary<string, string> { ["mode"] = "33184", ["uid"] = "1000", ["gid"] = "100", ["mtime"] = "1577934245.678000000" };
        var file = MetadataCodec.Decode(new ObjectInfo("f", 3, DateTimeOffset.UnixEpoch, "e", null, meta), false, DirectoryForm.None, 0, 0);
        Assert.Equal(NodeKind.File, file.Kind);
        Assert.Equal(0x1A0u, file.Permissions);
        Assert.Equal((1000u, 100u), (file.Uid, file.Gid));
        Assert.Equal(new TimeSpec(1577934245, 678000000), file.ModifyTime);
        var link = MetadataCodec.Decode(new ObjectInfo("l", 1, DateTimeOffset.UnixEpoch, "e", null, new Dictionary<string, string> { ["mode"] = "41471" }), false, DirectoryForm.None, 0, 0);
        Assert.Equal(NodeKind.SymbolicLink, link.Kind);
        var dir = MetadataCodec.Decode(new ObjectInfo("d/", 0, DateTimeOffset.UnixEpoch, "e", null, new Dictionary<string, string> { ["mode"] = "493" }), true, DirectoryForm.Marker, 0, 0);
        Assert.Equal(SharedFs.Fuse.FileMode.Directory | 0x1ED, dir.Mode);
        var bare = MetadataCodec.Decode(new ObjectInfo("b", 0, DateTimeOffset.FromUnixTimeSeconds(42), null, null, new Dictionary<string, string>()), false, DirectoryForm.None, 7, 8);
        Assert.Equal((0x1A4u, 7u, 8u, 42L), (bare.Permissions, bare.Uid, bare.Gid, bare.ModifyTime.Seconds));
    }

    [Fact]
    public void Metadata_is_written_in_s3fs_format()
    {
        var node = new NodeInfo
        {
            Kind = NodeKind.File, Permissions = 0x1A0, Uid = 1, Gid = 2, Size = 0,
            ModifyTime = new TimeSpec(1577934245, 678000000), ChangeTime = new TimeSpec(5, 0), AccessTime = new TimeSpec(5, 0),
        };
        var meta = MetadataCodec.Encode(node);
        Assert.Equal("33184", meta["mode"]);
        Assert.Equal("1577934245.678000000", meta["mtime"]);
        Assert.Equal("5", meta["ctime"]);
        Assert.Equal("493", MetadataCodec.Encode(node with { Kind = NodeKind.Directory, Permissions = 0x1ED })["mode"]);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    public void Only_real_names_are_listed(string name, bool valid) => Assert.Equal(valid, ObjectKeys.IsValidName(name));

    [Fact]
    public void Keys_follow_the_s3fs_layout()
    {
        Assert.Equal("a/b", ObjectKeys.FileKey("/a/b"));
        Assert.Equal("a/b/", ObjectKeys.DirectoryKey("/a/b"));
        Assert.Equal("", ObjectKeys.DirectoryKey("/"));
        Assert.Equal("/a", ObjectKeys.ParentPath("/a/b"));
        Assert.Equal("/", ObjectKeys.ParentPath("/a"));
        Assert.True(ObjectKeys.HasTooLongName("/" + new string('x', 256)));
        Assert.False(ObjectKeys.HasTooLongName("/" + new string('x', 255)));
    }
}
