namespace SharedFs.Fuse.Tests.Infrastructure;

/// <summary>Bounded waits on the mount's Completion (the tests are synchronous on purpose: the kernel blocks anyway).</summary>
internal static class Waits
{
    public static bool For(Task task, TimeSpan timeout)
    {
        try
        {
            return task.Wait(timeout);
        }
        catch (AggregateException)
        {
            return true; // ended, faulted: the caller asserts on the task's state
        }
    }
}
