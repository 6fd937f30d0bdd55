namespace HyperdOrleans.Grains.Log;

/// <summary>
/// What an index's write-ahead log holds now: its valid records in order, each remaining segment with its valid length and
/// last sequence, and the file length of the newest (a longer file than its valid length means a write failed there).
/// </summary>
/// <see cref="HighestSegment"/> is the highest segment number in the store, void ones included: the writer never reuses one.
public sealed record LogContents(IReadOnlyList<LogRecord> Records, IReadOnlyList<LogSegment> Segments, long HighestSegment)
{
    public static readonly LogContents Empty = new([], [], 0);

    /// <summary>The newest acknowledged sequence in the log, or 0.</summary>
    public long LastSequence => Records.Count > 0 ? Records[^1].Sequence : Segments.Count > 0 ? Segments[^1].LastSequence : 0;
}

/// <summary>A segment of the log: its number, valid bytes, file length and the last sequence it holds (0 when none).</summary>
public sealed record LogSegment(long Number, long ValidLength, long FileLength, long LastSequence);
