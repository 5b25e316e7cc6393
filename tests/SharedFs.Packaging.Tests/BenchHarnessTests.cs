using SharedFs.Packaging.Tests.Support;
using SharedFs.TestSupport;

namespace SharedFs.Packaging.Tests;

/// <summary>
/// The bench's harness works (issue 16: "a QUICK network run stays in CI"): a QUICK run with the 10 ms network
/// profile, SharedFs and the direct client only, its own gateway and proxy, the report written to a scratch folder
/// (never over bench/results). Figures are not judged here: benchmarks never become timed tests.
/// </summary>
public sealed class BenchHarnessTests : IDisposable
{
    private readonly TempDirectory _results = new("sharedfs-bench-results");

    public void Dispose() => _results.Dispose();

    [Fact]
    public async Task A_quick_network_run_writes_a_report_with_sharedfs_figures_request_counts_and_the_proxy_check()
    {
        Requirements.Root();
        Requirements.DevFuse();
        var environment = new Dictionary<string, string?>
        {
            ["QUICK"] = "1",
            ["NET"] = "10ms",
            ["FILESYSTEMS"] = "sharedfs",
            ["SHAREDFS_BIN"] = PublishedBinary.Path,
            ["BENCH_RESULTS"] = _results.Path,
        };
        // The bench starts its own gateway: the test runner's gateway settings must not leak into it.
        foreach (var name in new[] { "CEPH_S3_DIR", "CEPH_S3_PORT_BASE", "CEPH_S3_ACCESS_KEY", "CEPH_S3_SECRET_KEY", "CEPH_S3_STORE", "CEPH_S3_STORE_BYTES" })
            environment[name] = null;

        var run = await Shell.RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "bench", "run.sh")], environment,
            RepositoryPaths.Root, TimeSpan.FromMinutes(15));

        Assert.True(run.ExitCode == 0, run.ToString());
        var report = await File.ReadAllTextAsync(Path.Combine(_results.Path, "quick-latest-net10ms.md"));
        Assert.Contains("net 10 ms", report);
        Assert.Contains("## S3 requests per operation", report);
        Assert.Contains("## The proxy is not the bottleneck", report);
        var create = Assert.Single(report.Split('\n'), line => line.StartsWith("| 100 small files: create |", StringComparison.Ordinal));
        var sharedFsCell = create.Split('|')[3].Trim();
        Assert.True(double.TryParse(sharedFsCell, System.Globalization.CultureInfo.InvariantCulture, out _), $"SharedFs's create cell is not a figure: {create}");
        var found = Assert.Single(report.Split('\n'), line => line.StartsWith("| Web app: reads from the other container that found the file |", StringComparison.Ordinal));
        Assert.Equal("100", found.Split('|')[3].Trim());
        Assert.True(File.Exists(Path.Combine(_results.Path, "quick-latest-net10ms.json")));
        Assert.True(Directory.EnumerateFiles(Path.Combine(_results.Path, "history")).Any());
    }
}
