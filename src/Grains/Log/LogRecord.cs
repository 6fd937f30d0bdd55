namespace HyperdOrleans.Grains.Log;

/// <summary>What a write-ahead log record holds.</summary>
public enum LogRecordKind : byte
{
    /// <summary>Rows (ids, the bucket each hashed to, unit vectors) that replace any older copy of their ids.</summary>
    Upsert = 1,

    /// <summary>Ids whose rows are gone.</summary>
    Delete = 2,

    /// <summary>The first record of every segment: how much of the previous segment is valid.</summary>
    Seal = 3,
}

/// <summary>
/// One acknowledged mutation of an index, in the order the index grain (its single writer) accepted it. Sequences
/// are contiguous: a reader that finds a gap knows records were lost.
/// </summary>
public sealed record LogRecord(long Sequence, LogRecordKind Kind, long[] Ids, byte[] Buckets, float[] UnitVectors, int Dimensions)
{
    public static LogRecord Upsert(long sequence, long[] ids, byte[] buckets, float[] unitVectors, int dimensions) =>
        new(sequence, LogRecordKind.Upsert, ids, buckets, unitVectors, dimensions);

    public static LogRecord Delete(long sequence, long[] ids) => new(sequence, LogRecordKind.Delete, ids, [], [], 0);
}

/// <summary>Segment <see cref="Segment"/> is valid through byte <see cref="ValidLength"/>; anything after is a write that failed.</summary>
public sealed record SegmentSeal(long Segment, long ValidLength);
