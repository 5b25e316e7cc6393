using System.Text.Json;
using SharedFs.FileSystem;

namespace SharedFs.Init.Status;

/// <summary>The mount's figures as the status file holds them (JSON written and read by hand: AOT, no reflection).</summary>
internal static class StatusSnapshot
{
    public static byte[] ToJson(string mountPoint, string bucket, DateTimeOffset started, DateTimeOffset now, MountFigures figures)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("mount", mountPoint);
            json.WriteString("bucket", bucket);
            json.WriteNumber("pid", Environment.ProcessId);
            json.WriteString("started", started);
            json.WriteString("updated", now);
            json.WriteNumber("uptimeSeconds", Math.Round((now - started).TotalSeconds));
            json.WriteNumber("openFiles", figures.OpenFiles);
            json.WriteNumber("filesNotInBucket", figures.LocalFiles);
            json.WriteNumber("uploadsInFlight", figures.Uploading);
            json.WriteNumber("bytesUsed", figures.BytesUsed);
            json.WriteBoolean("bytesCounted", figures.BytesCounted);
            if (figures.Quota is { } quota) json.WriteNumber("quota", quota);
            else json.WriteNull("quota");
            if (figures.Requests is { } requests)
            {
                json.WriteStartObject("requests");
                WriteCounts(json, "calls", requests.Calls);
                WriteCounts(json, "failures", requests.Failures);
                json.WriteNumber("retries", requests.Retries);
                json.WriteNumber("bytesUp", requests.BytesUp);
                json.WriteNumber("bytesDown", requests.BytesDown);
                json.WriteNumber("callsLastMinute", requests.CallsLastMinute);
                WriteOptional(json, "p50MsLastMinute", requests.P50Milliseconds);
                WriteOptional(json, "p99MsLastMinute", requests.P99Milliseconds);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteCounts(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, long> counts)
    {
        json.WriteStartObject(name);
        foreach (var (kind, count) in counts.OrderBy(c => c.Key, StringComparer.Ordinal)) json.WriteNumber(kind, count);
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v) json.WriteNumber(name, Math.Round(v, 1));
        else json.WriteNull(name);
    }
}
