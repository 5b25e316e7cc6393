using System.Diagnostics;

namespace SharedFs.Reliability.Tests.Support;

/// <summary>Runs a blocking file call on its own thread and measures it; a call that never returns fails the test.</summary>
internal static class Bounded
{
    public static async Task<(T Result, TimeSpan Elapsed)> RunAsync<T>(Func<T> call, TimeSpan limit, string what)
    {
        var watch = Stopwatch.StartNew();
        var task = Task.Factory.StartNew(call, TaskCreationOptions.LongRunning);
        try
        {
            var result = await task.WaitAsync(limit);
            return (result, watch.Elapsed);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what} did not return within {limit.TotalSeconds} s: it hangs");
        }
    }
}
