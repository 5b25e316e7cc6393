namespace SharedFs.Fuse;

/// <summary>
/// Exceptions that escaped a filesystem call. They cannot cross into libfuse (that kills the process), so they
/// become EIO; each is written to stderr with the operation, up to a bound, so the bug is visible.
/// </summary>
internal static class CallbackFailures
{
    private const int Logged = 20;
    private static long _count;

    public static long Count => Interlocked.Read(ref _count);

    /// <summary>Returns EIO (positive) for the reply.</summary>
    public static int Report(string operation, Exception exception)
    {
        var count = Interlocked.Increment(ref _count);
        if (count <= Logged)
        {
            var more = count == Logged ? " (further failures are counted, not logged)" : "";
            Console.Error.WriteLine($"sharedfs-fuse: {operation} threw, answering EIO{more}: {exception}");
        }
        return Errno.EIO;
    }
}
