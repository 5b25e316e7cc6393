using System.Globalization;
using System.Text.Json;

namespace SharedFs.Init.Status;

/// <summary>The status file told in a few human lines (`sharedfs-init status`).</summary>
internal static class StatusText
{
    public static string Render(JsonElement status)
    {
        var lines = new List<string>();
        var updated = status.GetProperty("updated").GetDateTimeOffset();
        lines.Add($"mount {status.GetProperty("mount").GetString()} (bucket {status.GetProperty("bucket").GetString()}, pid {status.GetProperty("pid").GetInt32()}), " +
                  $"up {Duration(TimeSpan.FromSeconds(status.GetProperty("uptimeSeconds").GetDouble()))}, figures of {updated.ToLocalTime():HH:mm:ss}");
        lines.Add($"files: {status.GetProperty("openFiles").GetInt32()} open, {status.GetProperty("filesNotInBucket").GetInt32()} not in the bucket yet, " +
                  $"{status.GetProperty("uploadsInFlight").GetInt32()} upload(s) in flight");
        var used = status.GetProperty("bytesUsed").GetInt64();
        var counted = status.GetProperty("bytesCounted").GetBoolean() ? "" : " (still counting)";
        lines.Add(status.GetProperty("quota").ValueKind == JsonValueKind.Number
            ? $"bucket: {Bytes(used)} of the {Bytes(status.GetProperty("quota").GetInt64())} quota used{counted}"
            : $"bucket: {Bytes(used)} used{counted}, no quota set");
        if (status.TryGetProperty("requests", out var requests))
        {
            lines.Add($"requests: {Counts(requests.GetProperty("calls"))}; {requests.GetProperty("retries").GetInt64()} retried; " +
                      $"{Bytes(requests.GetProperty("bytesUp").GetInt64())} up, {Bytes(requests.GetProperty("bytesDown").GetInt64())} down");
            var failures = requests.GetProperty("failures");
            lines.Add(failures.EnumerateObject().Any() ? $"errors: {Counts(failures)}" : "errors: none");
            lines.Add($"last minute: {requests.GetProperty("callsLastMinute").GetInt32()} request(s), p50 {Ms(Optional(requests, "p50MsLastMinute"))}, " +
                      $"p99 {Ms(Optional(requests, "p99MsLastMinute"))}");
        }
        return string.Join('\n', lines) + "\n";
    }

    private static double? Optional(JsonElement element, string name) =>
        element.GetProperty(name).ValueKind == JsonValueKind.Number ? element.GetProperty(name).GetDouble() : null;

    private static string Counts(JsonElement counts)
    {
        var parts = counts.EnumerateObject().Select(p => $"{p.Name} {p.Value.GetInt64()}").ToList();
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => $"{bytes} B",
    };

    public static string Ms(double? milliseconds) => milliseconds is { } ms ? ms.ToString("0.#", CultureInfo.InvariantCulture) + " ms" : "–";

    private static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min" : span.TotalMinutes >= 1 ? $"{span.Minutes} min {span.Seconds} s" : $"{span.Seconds} s";
}
