namespace SharedFs.FileSystem.Tests;

/// <summary>When changes count as a burst (queued in Auto write-back), and when the mount is quiet again.</summary>
public sealed class BurstDetectorTests
{
    [Fact]
    public void The_fourth_change_in_a_row_is_a_burst_and_a_pause_starts_over()
    {
        var bursts = new BurstDetector(streak: 4, gap: TimeSpan.FromMilliseconds(200));
        var answers = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(bursts.Begin());
            bursts.End();
        }
        Assert.Equal([false, false, false, true, true], answers);
        Thread.Sleep(300);
        Assert.False(bursts.Begin());
        bursts.End();
    }

    [Fact]
    public void Quiet_only_after_the_span_without_any_change()
    {
        var bursts = new BurstDetector(streak: 4, gap: TimeSpan.FromMilliseconds(200));
        Assert.True(bursts.QuietFor(TimeSpan.FromMilliseconds(100))); // nothing ever happened
        bursts.Begin();
        Assert.False(bursts.QuietFor(TimeSpan.FromMilliseconds(100))); // a change in progress
        bursts.End();
        Assert.False(bursts.QuietFor(TimeSpan.FromMilliseconds(100)));
        Thread.Sleep(150);
        Assert.True(bursts.QuietFor(TimeSpan.FromMilliseconds(100)));
    }
}
