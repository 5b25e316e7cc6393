namespace SharedFs.Fuse;

/// <summary>
/// Exceptions that escaped a filesystem callback. They cannot cross into libfuse (that kills the process),
/// so they become -EIO; the first one is written to stderr so the bug is visible, the rest are only counted.
/// </summary>
internal static class CallbackFailures
{
    private static long _count;

    public static long Count => Interlocked.Read(ref _count);

    public static int Report(string operation, Exception exception)
    {
        if (Interlocked.Increment(ref _count) == 1)
        {
            try
            {
                Console.Error.WriteLine($"sharedfs-fuse: {operation} threw, answering EIO (further failures are not logged): {exception}");
            }
            catch
            {
                // stderr may be closed; the EIO answer is what matters.
            }
        }
        return -Errno.EIO;
    }
}
