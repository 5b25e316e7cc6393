namespace SharedFs.FileSystem;

/// <summary>
/// Splits a dirty file into the pieces of a server-side compose: ranges still equal to the stored object are
/// copied on the server, the rest is sent from the staging file. S3 wants every part but the last to be at
/// least 5 MiB, so short pieces are merged into their neighbours by sending the neighbouring bytes too.
/// </summary>
internal static class ComposePlan
{
    public const long MinPartSize = 5L << 20;

    public readonly record struct Segment(long Start, long End, bool Local)
    {
        public long Length => End - Start;
    }

    /// <param name="size">The file's size.</param>
    /// <param name="copyable">The prefix of the stored object that is still valid.</param>
    /// <param name="written">The ranges written since the last upload.</param>
    public static List<Segment> Build(long size, long copyable, RangeSet written)
    {
        var segments = new List<Segment>();
        var cursor = 0L;
        foreach (var (start, end) in written.Ranges)
        {
            if (start >= size) break;
            if (start > cursor) AddCopyOrHole(segments, cursor, start, copyable);
            Append(segments, new Segment(start, Math.Min(end, size), true));
            cursor = Math.Min(end, size);
        }
        if (cursor < size) AddCopyOrHole(segments, cursor, size, copyable);
        return Normalize(segments);
    }

    private static void AddCopyOrHole(List<Segment> segments, long start, long end, long copyable)
    {
        // Past the valid part of the stored object the file reads as zeros: the sparse staging file sends them.
        if (start < copyable) Append(segments, new Segment(start, Math.Min(end, copyable), false));
        if (end > copyable) Append(segments, new Segment(Math.Max(start, copyable), end, true));
    }

    private static void Append(List<Segment> segments, Segment segment)
    {
        if (segment.Length <= 0) return;
        if (segments.Count > 0 && segments[^1].Local == segment.Local && segments[^1].End == segment.Start)
            segments[^1] = segments[^1] with { End = segment.End };
        else
            segments.Add(segment);
    }

    /// <summary>Turns short pieces local (growing them into their neighbours) until every piece but the last is large enough.</summary>
    private static List<Segment> Normalize(List<Segment> segments)
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            for (var i = 0; i < segments.Count; i++)
            {
                var s = segments[i];
                var isLast = i == segments.Count - 1;
                // The last part may be of any size.
                if (s.Length >= MinPartSize || isLast) continue;
                if (!s.Local)
                {
                    segments[i] = s with { Local = true };
                }
                else
                {
                    // A short local piece borrows bytes from the copied piece after it.
                    var next = segments[i + 1];
                    var borrow = Math.Min(MinPartSize - s.Length, next.Length);
                    segments[i] = s with { End = s.End + borrow };
                    segments[i + 1] = next with { Start = next.Start + borrow };
                }
                changed = true;
                segments = Merge(segments);
                break;
            }
        }
        return segments;
    }

    private static List<Segment> Merge(List<Segment> segments)
    {
        var merged = new List<Segment>();
        foreach (var s in segments) Append(merged, s);
        return merged;
    }
}
