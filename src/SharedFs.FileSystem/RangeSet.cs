namespace SharedFs.FileSystem;

/// <summary>A set of disjoint, sorted byte ranges [Start, End): which parts of a staging file hold what.</summary>
internal sealed class RangeSet
{
    private readonly List<(long Start, long End)> _ranges = [];

    public IReadOnlyList<(long Start, long End)> Ranges => _ranges;
    public bool IsEmpty => _ranges.Count == 0;

    public void Add(long start, long end)
    {
        if (end <= start) return;
        var merged = new List<(long, long)>(_ranges.Count + 1);
        var inserted = false;
        foreach (var (s, e) in _ranges)
        {
            if (e < start) merged.Add((s, e));
            else if (s > end)
            {
                if (!inserted) { merged.Add((start, end)); inserted = true; }
                merged.Add((s, e));
            }
            else { start = Math.Min(start, s); end = Math.Max(end, e); }
        }
        if (!inserted) merged.Add((start, end));
        _ranges.Clear();
        _ranges.AddRange(merged);
    }

    /// <summary>Drops everything at or after <paramref name="length"/> (truncate).</summary>
    public void TruncateTo(long length)
    {
        for (var i = _ranges.Count - 1; i >= 0; i--)
        {
            var (s, e) = _ranges[i];
            if (s >= length) _ranges.RemoveAt(i);
            else if (e > length) _ranges[i] = (s, length);
        }
    }

    public void Clear() => _ranges.Clear();

    public bool Contains(long start, long end)
    {
        foreach (var (s, e) in _ranges)
        {
            if (s <= start && e >= end) return true;
            if (s > start) break;
        }
        return end <= start;
    }

    /// <summary>The parts of [start, end) not in the set.</summary>
    public List<(long Start, long End)> Gaps(long start, long end)
    {
        var gaps = new List<(long, long)>();
        var cursor = start;
        foreach (var (s, e) in _ranges)
        {
            if (e <= cursor) continue;
            if (s >= end) break;
            if (s > cursor) gaps.Add((cursor, s));
            cursor = Math.Max(cursor, e);
            if (cursor >= end) break;
        }
        if (cursor < end) gaps.Add((cursor, end));
        return gaps;
    }
}
