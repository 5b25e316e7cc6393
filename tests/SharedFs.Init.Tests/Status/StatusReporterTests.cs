using Microsoft.Extensions.Time.Testing;
using SharedFs.FileSystem;
using SharedFs.Init.Logging;
using SharedFs.Init.Status;
using SharedFs.Init.Symlinks;
using SharedFs.Storage;
using SharedFs.TestSupport;

namespace SharedFs.Init.Tests.Status;

/// <summary>The mount's own report: summary and warning lines, the status file's life, progress of long work.</summary>
public sealed class StatusReporterTests
{
    private static MountFigures Figures(long gets, long failures, double p99) => new(1, 2, 0, 4096, true, null,
        new RequestFigures(new Dictionary<string, long> { ["GET"] = gets, ["PUT"] = 3 },
            failures == 0 ? new Dictionary<string, long>() : new Dictionary<string, long> { ["Unavailable"] = failures },
            1000, 2000, 0, (int)gets, 12, p99));

    private static async Task<string> WaitForAsync(StringWriter log, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!log.ToString().Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"\"{text}\" never appeared in:\n{log}");
            await Task.Delay(10);
        }
        return log.ToString();
    }

    [Fact]
    public async Task A_busy_minute_gives_one_summary_line_and_failures_or_slow_requests_a_warning()
    {
        using var folder = new TempDirectory("sharedfs-status");
        var path = folder.Combine("status-test.json");
        var log = new StringWriter();
        var figures = Figures(gets: 10, failures: 2, p99: 3500);
        await using (var reporter = new StatusReporter(() => figures, path, "/storage", "bucket", new Log(log),
                         fileInterval: TimeSpan.FromMilliseconds(10), summaryInterval: TimeSpan.Zero))
        {
            var text = await WaitForAsync(log, "storage requests are slow");
            Assert.Contains("last minute: 13 request(s) (GET 10, PUT 3), 2 failed", text);
            Assert.Contains("warning: 2 storage request(s) failed in the last minute (Unavailable 2)", text);
            Assert.Contains("p99 3500 ms", text);
            Assert.True(File.Exists(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        Assert.False(File.Exists(path)); // the mount is gone: so is its status
    }

    [Fact]
    public async Task A_quiet_minute_logs_nothing()
    {
        using var folder = new TempDirectory("sharedfs-status");
        var log = new StringWriter();
        var figures = Figures(gets: 10, failures: 0, p99: 20);
        await using (var reporter = new StatusReporter(() => figures, folder.Combine("status-test.json"), "/storage", "bucket", new Log(log),
                         fileInterval: TimeSpan.FromMilliseconds(10), summaryInterval: TimeSpan.Zero))
        {
            await WaitForAsync(log, "last minute: 13 request(s)");
            var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            // Later minutes with the same totals made no request: wait for several more files to be written, no new line.
            var written = File.GetLastWriteTimeUtc(folder.Combine("status-test.json"));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (File.GetLastWriteTimeUtc(folder.Combine("status-test.json")) == written && DateTime.UtcNow < deadline) await Task.Delay(10);
            Assert.Equal(lines, log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.DoesNotContain("warning", log.ToString());
        }
    }

    [Fact]
    public void Moving_a_shipped_folder_reports_how_far_it_got_once_the_interval_has_passed()
    {
        var clock = new FakeTimeProvider();
        var lines = new List<string>();
        var progress = new MigrationProgress("public/uploads", 3, 3 << 20, lines.Add, clock);
        progress.Moved(1 << 20);
        Assert.Empty(lines); // under the interval: nothing to say yet
        clock.Advance(MigrationProgress.Interval);
        progress.Moved(1 << 20);
        Assert.Equal(["moving public/uploads into storage: 2 of 3 file(s), 2.0 of 3.0 MiB"], lines);
    }
}
