using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SharedFs.Init.Logging;

/// <summary>One readable line per event on stderr, prefixed so it stands out among the app's own output.</summary>
internal sealed class Log(TextWriter writer)
{
    public const string Prefix = "sharedfs-init: ";

    public static Log StandardError { get; } = new(Console.Error);

    public void Info(string message)
    {
        lock (writer) writer.WriteLine(Prefix + OneLine(message));
    }

    public void Error(string message) => Info("error: " + message);

    public void Warning(string message) => Info("warning: " + message);

    /// <summary>Logs "<paramref name="done"/> (123 ms)" once the step's work has returned.</summary>
    public void Step(string done, Stopwatch watch) => Info($"{done} ({FormatDuration(watch.Elapsed)})");

    public static string FormatDuration(TimeSpan span) =>
        span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.0#} s" : $"{span.TotalMilliseconds:0} ms";

    /// <summary>
    /// An exception message without the .NET filler of exceptions made without a message
    /// ("Exception of type 'System.Exception' was thrown.").
    /// </summary>
    public static string Reason(Exception e) =>
        Regex.Replace(e.Message, @":?\s*Exception of type '[^']*' was thrown\.?", "").Trim();

    /// <summary>Time since the kernel started this process (runtime start-up included), for the start→exec figure.</summary>
    public static TimeSpan SinceProcessStart()
    {
        try { return DateTime.Now - Process.GetCurrentProcess().StartTime; }
        catch (Exception) { return TimeSpan.Zero; }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
