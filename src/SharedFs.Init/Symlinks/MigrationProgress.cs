namespace SharedFs.Init.Symlinks;

/// <summary>
/// How far the move of a shipped folder into storage got, reported every <see cref="Interval"/> while it runs (a
/// slug with thousands of files takes a while on a first boot; silence would look like a hang).
/// </summary>
internal sealed class MigrationProgress(string relativePath, int files, long bytes, Action<string> report, TimeProvider? clock = null)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private long _lastReport = (clock ?? TimeProvider.System).GetTimestamp();
    private readonly Lock _lock = new();
    private int _files;
    private long _bytes;

    /// <summary>Counts what a folder holds before it is moved (symlinks and special files stay, so they are not counted).</summary>
    public static (int Files, long Bytes) Measure(string directory)
    {
        var (files, bytes) = (0, 0L);
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (file.LinkTarget is not null) continue;
            files++;
            bytes += file.Length;
        }
        return (files, bytes);
    }

    /// <summary>One more file is in storage.</summary>
    public void Moved(long size)
    {
        string? line = null;
        lock (_lock)
        {
            _files++;
            _bytes += size;
            if (_clock.GetElapsedTime(_lastReport) >= Interval)
            {
                _lastReport = _clock.GetTimestamp();
                line = $"moving {relativePath} into storage: {_files} of {files} file(s), {MiB(_bytes)} of {MiB(bytes)} MiB";
            }
        }
        if (line is not null) report(line);
    }

    private static string MiB(long value) => (value / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
