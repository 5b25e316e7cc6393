using SharedFs.Storage;
using SharedFs.TestSupport;

namespace SharedFs.FileSystem.Tests;

/// <summary>
/// A directory this mount is filling (many creations in a row, long after its own mkdir): each creation's
/// lookup of a name that does not exist yet is answered by one listing per TTL instead of four requests per
/// name, and a file another container puts there meanwhile is still seen within the TTL.
/// </summary>
public sealed class FillingDirectoryTests : IAsyncLifetime
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1);
    private readonly MountWorkspace _workspace = new("sharedfs-filling");
    private TestBucket Bucket => _workspace.Bucket;

    public Task InitializeAsync() => _workspace.InitializeAsync();

    public Task DisposeAsync() => _workspace.DisposeAsync();

    // Write-back off: every close waits, so the requests counted during the loop are all of its own.
    private Task<(SharedFsMount Mount, FaultyStore Store)> MountAsync() =>
        FaultyStore.MountAsync(Bucket, _workspace.Folder.Combine("mnt"), _workspace.Folder.Combine("staging"), WriteBackMode.Off, Ttl);

    [Fact]
    public async Task Creations_in_a_row_cost_one_listing_per_ttl_not_four_requests_per_name()
    {
        var (mount, store) = await MountAsync();
        await using var _ = mount;
        var directory = Path.Combine(mount.MountPoint, "uploads");
        Directory.CreateDirectory(directory);
        await Task.Delay(Ttl * 1.5); // the listing our own mkdir seeded has expired

        const int count = 200;
        int probesBefore = store.DirectoryProbes, listingsBefore = store.Listings;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count; i++) File.WriteAllText(Path.Combine(directory, $"f{i:D4}"), "x");
        var seconds = watch.Elapsed.TotalSeconds;

        // Counted: the probes for a directory of the missing name (a HEAD of the name itself is also made for
        // each upload, 2.2 s later, so it tells nothing), and the listings. Asked name by name, each creation
        // costs two probes and one listing (400 and 200 here). Filling, they are the first three names' and,
        // on a loaded machine, those of the few lookups that found the listing they waited for already older
        // than the TTL; a tenth of that is the bound.
        var probes = store.DirectoryProbes - probesBefore;
        var listings = store.Listings - listingsBefore;
        Assert.True(probes <= count / 5, $"{probes} directory probes for {count} creations");
        Assert.True(listings <= count / 10 + (int)Math.Ceiling(seconds / Ttl.TotalSeconds), $"{listings} listings in {seconds:0.0} s");
        Assert.Equal(count, Directory.GetFiles(directory).Length);
    }

    [Fact]
    public async Task A_file_put_by_another_container_into_a_directory_being_filled_is_seen_within_the_ttl()
    {
        var (mount, _) = await MountAsync();
        await using var __ = mount;
        var directory = Path.Combine(mount.MountPoint, "shared");
        Directory.CreateDirectory(directory);
        using var filling = new CancellationTokenSource();
        var filler = Task.Run(() =>
        {
            for (var i = 0; !filling.IsCancellationRequested; i++) File.WriteAllText(Path.Combine(directory, $"mine-{i:D5}"), "x");
        });
        try
        {
            await Task.Delay(Ttl); // filling for a while: lookups answered from listings
            Assert.False(File.Exists(Path.Combine(directory, "theirs.txt")));
            await Bucket.PutTextAsync("shared/theirs.txt", "from elsewhere");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(directory, "theirs.txt")))
            {
                Assert.True(watch.Elapsed < Ttl + TimeSpan.FromSeconds(1), "not seen within TTL + 1 s");
                await Task.Delay(20);
            }
            Assert.Equal("from elsewhere", File.ReadAllText(Path.Combine(directory, "theirs.txt")));
        }
        finally
        {
            filling.Cancel();
            await filler;
        }
    }
}
