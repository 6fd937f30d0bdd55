namespace HyperdOrleans.Grains.Log;

/// <summary>
/// What an index's write-ahead log holds now: its valid records in order, each remaining segment with its valid length and
/// last sequence, and the file length of the newest (a longer file than its valid length means a write failed there).
/// </summary>
public sealed record LogContents(IReadOnlyList<LogRecord> Records, IReadOnlyList<LogSegment> Segments)
{
    public static readonly LogContents Empty = new([], []);

    /// <summary>The newest acknowledged sequence in the log, or 0.</summary>
    public long LastSequence => Records.Count > 0 ? Records[^1].Sequence : 0;
}

/// <summary>A segment of the log: its number, valid bytes, file length and the last sequence it holds (0 when none).</summary>
public sealed record LogSegment(long Number, long ValidLength, long FileLength, long LastSequence);
