namespace SharedFs.Storage;

/// <summary>Where the storage layer reports what it could not do and did not throw (clean-ups). The executable may redirect it.</summary>
public static class StorageLog
{
    public static Action<string> Sink { get; set; } = message => Console.Error.WriteLine($"sharedfs: {message}");

    internal static void Warn(string message) => Sink(message);
}
