using Amazon.S3.Model;
using SharedFs.TestSupport;

namespace SharedFs.Storage.Tests;

/// <summary>Composing objects from server-side copied ranges and local bytes.</summary>
public sealed class ComposeTests(TestBucket bucket) : IClassFixture<TestBucket>
{
    private const int MiB = TestData.MiB;

    [Fact]
    public async Task Replacing_the_middle_MiB_of_a_40_MiB_object_copies_the_rest_on_the_server()
    {
        var original = TestData.Random(40 * MiB, seed: 10);
        var patch = TestData.Random(MiB, seed: 11);
        await bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = "compose/big", InputStream = new MemoryStream(original) });
        await using var proxy = new FaultProxy(bucket.Gateway.Endpoint);
        using var store = new S3ObjectStore(bucket.StoreOptions with { Endpoint = proxy.Endpoint });

        var info = await store.ComposeAsync("compose/big",
        [
            new ObjectPiece.Copied("compose/big", 0, 20 * MiB),
            new ObjectPiece.Local(new MemoryStream(patch), 0, MiB),
            new ObjectPiece.Copied("compose/big", 21 * MiB, 19 * MiB),
        ], new ObjectWriteOptions(new Dictionary<string, string> { ["mode"] = "33188" }));

        var expected = original.ToArray();
        patch.CopyTo(expected, 20 * MiB);
        Assert.Equal(40L * MiB, info.Size);
        Assert.Equal(TestData.Sha256(expected), TestData.Sha256(await TestData.GetBytesAsync(bucket.Client, bucket.Name, "compose/big")));
        Assert.Equal("33188", (await store.HeadAsync("compose/big"))!.Metadata["mode"]);
        // 20 MiB copied, then 1 MiB local + 4 MiB borrowed from the next range, then 15 MiB copied.
        Assert.Equal(2, proxy.Requests.Count(r => r.IsUploadPartCopy));
        Assert.Equal(1, proxy.Requests.Count(r => r.IsUploadPart));
        Assert.InRange(proxy.Requests.Where(r => r.Method == "PUT").Sum(r => r.BodyLength), 5 * MiB, 6 * MiB);
    }

    [Fact]
    public async Task A_small_result_is_assembled_locally_and_written_with_one_put()
    {
        await bucket.PutTextAsync("compose/small-source", "0123456789");
        await using var proxy = new FaultProxy(bucket.Gateway.Endpoint);
        using var store = new S3ObjectStore(bucket.StoreOptions with { Endpoint = proxy.Endpoint });

        var info = await store.ComposeAsync("compose/small",
        [
            new ObjectPiece.Copied("compose/small-source", 2, 3),
            new ObjectPiece.Local(new MemoryStream("abcdef"u8.ToArray()), 1, 2),
            new ObjectPiece.Copied("compose/small-source", 8, 2),
        ], ObjectWriteOptions.Empty);

        Assert.Equal(7, info.Size);
        Assert.Equal("234bc89", await bucket.GetTextAsync("compose/small"));
        Assert.DoesNotContain(proxy.Requests, r => r.HasQueryParameter("uploads"));
    }

    [Fact]
    public async Task Compose_falls_back_to_download_and_upload_when_UploadPartCopy_is_not_implemented()
    {
        var original = TestData.Random(12 * MiB, seed: 12);
        await bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = "compose/fallback", InputStream = new MemoryStream(original) });
        await using var proxy = new FaultProxy(bucket.Gateway.Endpoint) { Rule = r => r.IsUploadPartCopy ? Fault.NotImplemented : Fault.None };
        using var store = new S3ObjectStore(bucket.StoreOptions with
        {
            Endpoint = proxy.Endpoint, MultipartThreshold = 8 * MiB, PartSize = 5 * MiB,
        });
        var patch = "PATCH"u8.ToArray();

        ObjectPiece[] pieces =
        [
            new ObjectPiece.Local(new MemoryStream(patch), 0, patch.Length),
            new ObjectPiece.Copied("compose/fallback", patch.Length, original.Length - patch.Length),
        ];
        await store.ComposeAsync("compose/fallback", pieces, ObjectWriteOptions.Empty);
        var tried = proxy.Requests.Count(r => r.IsUploadPartCopy);
        await store.ComposeAsync("compose/fallback", pieces, ObjectWriteOptions.Empty);

        var expected = original.ToArray();
        patch.CopyTo(expected, 0);
        Assert.Equal(TestData.Sha256(expected), TestData.Sha256(await TestData.GetBytesAsync(bucket.Client, bucket.Name, "compose/fallback")));
        Assert.True(tried >= 1);
        Assert.Equal(tried, proxy.Requests.Count(r => r.IsUploadPartCopy)); // remembered: not tried again
        Assert.Empty(await bucket.Client.ListMultipartUploadsAsync(bucket.Name) is { MultipartUploads: { } uploads } ? uploads : []);
    }
}

/// <summary>The compose planner alone: S3's part rules for every arrangement of pieces.</summary>
public sealed class ComposePlannerTests
{
    private const long MiB = TestData.MiB;
    private static readonly Stream Local = new MemoryStream();

    private static List<PlannedPart> Plan(params ObjectPiece[] pieces) =>
        ComposePlanner.Plan(pieces, partSize: 16 * MiB, minPartSize: 5 * MiB, copyPartSize: 64 * MiB, serverCopy: true);

    private static void AssertValid(List<PlannedPart> parts, IReadOnlyList<ObjectPiece> pieces)
    {
        Assert.Equal(pieces.Sum(p => p.Length), parts.Sum(p => p.Length));
        Assert.All(parts.SkipLast(1), part => Assert.InRange(part.Length, 5 * MiB, 5L * 1024 * MiB));
        Assert.All(parts.OfType<PlannedPart.Assembled>(), part => Assert.Equal(part.Length, part.Segments.Sum(s => s.Length)));
    }

    [Fact]
    public void Big_copied_ranges_become_copy_parts_and_a_small_local_piece_borrows_from_the_next()
    {
        ObjectPiece[] pieces = [new ObjectPiece.Copied("a", 0, 20 * MiB), new ObjectPiece.Local(Local, 0, MiB), new ObjectPiece.Copied("a", 21 * MiB, 19 * MiB)];
        var parts = Plan(pieces);
        AssertValid(parts, pieces);
        Assert.Collection(parts,
            p => Assert.Equal(new PlannedPart.Copy("a", 0, 20 * MiB), p),
            p => Assert.Equal(5 * MiB, Assert.IsType<PlannedPart.Assembled>(p).Length),
            p => Assert.Equal(new PlannedPart.Copy("a", 25 * MiB, 15 * MiB), p));
    }

    [Fact]
    public void Small_copied_ranges_are_fetched_and_huge_ones_split()
    {
        ObjectPiece[] pieces = [new ObjectPiece.Copied("a", 0, 3 * MiB), new ObjectPiece.Copied("b", 0, 200 * MiB), new ObjectPiece.Local(Local, 0, 2 * MiB)];
        var parts = Plan(pieces);
        AssertValid(parts, pieces);
        Assert.Equal(4, parts.OfType<PlannedPart.Copy>().Count());
        Assert.IsType<PlannedPart.Assembled>(parts[^1]);
    }

    [Fact]
    public void Random_arrangements_always_satisfy_the_part_rules()
    {
        var random = new Random(42);
        for (var round = 0; round < 2000; round++)
        {
            var pieces = Enumerable.Range(0, random.Next(1, 8)).Select(_ => random.Next(3) == 0
                    ? (ObjectPiece)new ObjectPiece.Local(Local, 0, random.NextInt64(0, 30 * MiB))
                    : new ObjectPiece.Copied("k", random.NextInt64(0, MiB), random.NextInt64(0, 150 * MiB)))
                .ToArray();
            AssertValid(Plan(pieces), pieces);
            AssertValid(ComposePlanner.Plan(pieces, 16 * MiB, 5 * MiB, 64 * MiB, serverCopy: false), pieces);
        }
    }
}
