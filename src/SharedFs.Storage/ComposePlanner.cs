namespace SharedFs.Storage;

/// <summary>One part of a composed object: copied on the server, or assembled locally from segments.</summary>
internal abstract record PlannedPart(long Length)
{
    /// <summary>UploadPartCopy of bytes [Offset, Offset+Length) of SourceKey.</summary>
    public sealed record Copy(string SourceKey, long Offset, long Length) : PlannedPart(Length);

    /// <summary>Bytes gathered here: local pieces read from their streams, small copied ranges fetched with GET.</summary>
    public sealed record Assembled(IReadOnlyList<ObjectPiece> Segments, long Length) : PlannedPart(Length);
}

/// <summary>
/// Turns the pieces of a compose into multipart parts that S3 accepts: every part but the last at least 5 MiB.
/// Copied ranges of 5 MiB or more become UploadPartCopy parts (split to at most copyPartSize each); everything
/// else is gathered into assembled parts of up to partSize. An assembled run shorter than 5 MiB in front of a
/// copied range borrows that range's first bytes (fetched locally) so that it reaches 5 MiB.
/// </summary>
internal static class ComposePlanner
{
    public static List<PlannedPart> Plan(IReadOnlyList<ObjectPiece> pieces, long partSize, long minPartSize, long copyPartSize, bool serverCopy)
    {
        var parts = new List<PlannedPart>();
        var pending = new List<ObjectPiece>();
        long pendingLength = 0;

        void Flush()
        {
            if (pendingLength == 0) return;
            parts.Add(new PlannedPart.Assembled(pending.ToList(), pendingLength));
            pending.Clear();
            pendingLength = 0;
        }

        void Gather(ObjectPiece piece)
        {
            while (piece.Length > 0)
            {
                var take = Math.Min(piece.Length, partSize - pendingLength);
                pending.Add(Slice(piece, 0, take));
                pendingLength += take;
                piece = Slice(piece, take, piece.Length - take);
                if (pendingLength == partSize) Flush();
            }
        }

        foreach (var original in pieces)
        {
            if (original.Length == 0) continue;
            if (!serverCopy || original is not ObjectPiece.Copied copied)
            {
                Gather(original);
                continue;
            }
            if (pendingLength > 0 && pendingLength < minPartSize)
            {
                var borrow = minPartSize - pendingLength;
                if (copied.Length - borrow < minPartSize)
                {
                    Gather(copied);
                    continue;
                }
                Gather(Slice(copied, 0, borrow));
                copied = (ObjectPiece.Copied)Slice(copied, borrow, copied.Length - borrow);
            }
            if (copied.Length < minPartSize)
            {
                Gather(copied);
                continue;
            }
            Flush();
            // Equal chunks: each stays at least copyPartSize / 2 ≥ 5 MiB, none above copyPartSize.
            var count = (copied.Length + copyPartSize - 1) / copyPartSize;
            long offset = 0;
            for (var chunk = 0; chunk < count; chunk++)
            {
                var length = (copied.Length - offset) / (count - chunk);
                parts.Add(new PlannedPart.Copy(copied.SourceKey, copied.Offset + offset, length));
                offset += length;
            }
        }
        Flush();
        return parts;
    }

    private static ObjectPiece Slice(ObjectPiece piece, long start, long length) => piece switch
    {
        ObjectPiece.Copied c => new ObjectPiece.Copied(c.SourceKey, c.Offset + start, length),
        ObjectPiece.Local l => new ObjectPiece.Local(l.Content, l.Offset + start, length),
        _ => throw new ArgumentException($"unknown piece {piece.GetType().Name}"),
    };
}
