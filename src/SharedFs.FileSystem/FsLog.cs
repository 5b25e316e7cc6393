namespace SharedFs.FileSystem;

/// <summary>Where the filesystem reports what it skips or fails at. The executable may redirect it.</summary>
public static class FsLog
{
    public static Action<string> Sink { get; set; } = message => Console.Error.WriteLine($"sharedfs: {message}");

    internal static void Warn(string message) => Sink(message);
}
