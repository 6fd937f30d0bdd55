namespace HyperdOrleans.Grains.Log;

/// <summary>What a write-ahead log record holds.</summary>
public enum LogRecordKind : byte
{
    /// <summary>Rows (ids, the bucket each hashed to, unit vectors) that replace any older copy of their ids.</summary>
    Upsert = 1,

    /// <summary>Ids whose rows are gone.</summary>
    Delete = 2,

    /// <summary>The first record of every segment: which segment before it is good, and how much of it.</summary>
    Seal = 3,
}

/// <summary>
/// One acknowledged mutation of an index, in the order the index grain (its single writer) accepted it. Within a segment
/// sequences are contiguous; across a seal they continue after the seal's last sequence, past those of failed appends.
/// An upsert into an index with data fields also holds each row's values (<see cref="Fields"/>, aligned with its schema).
/// </summary>
public sealed record LogRecord(
    long Sequence, LogRecordKind Kind, long[] Ids, byte[] Buckets, float[] UnitVectors, int Dimensions, object?[][]? Fields = null)
{
    public static LogRecord Upsert(long sequence, long[] ids, byte[] buckets, float[] unitVectors, int dimensions, object?[][]? fields = null) =>
        new(sequence, LogRecordKind.Upsert, ids, buckets, unitVectors, dimensions, fields);

    public static LogRecord Delete(long sequence, long[] ids) => new(sequence, LogRecordKind.Delete, ids, [], [], 0);
}

/// <summary>
/// The last good segment before the one this seal opens is <see cref="Segment"/>, valid through byte <see cref="ValidLength"/>:
/// anything after that, and every segment numbered between the two, is writes that failed.
/// </summary>
/// <see cref="LastSequence"/> is the sequence of the last good record there (0: none since the log began): the next good record
/// may follow it by more than one, because a failed append uses up its sequence.
public sealed record SegmentSeal(long Segment, long ValidLength, long LastSequence);
