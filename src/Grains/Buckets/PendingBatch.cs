using HyperdOrleans.Grains.Log;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// One logged mutation as a bucket holds it. Every id in <see cref="AffectedIds"/> is hidden wherever an older copy lives;
/// the <see cref="UpsertIds"/> (a subset) are its new rows here, unit vectors in <see cref="UpsertUnitVectors"/> and, in an
/// index with data fields, their values in <see cref="UpsertFields"/> (one row per upsert id).
/// </summary>
/// Serializable: a bucket that moves to another silo carries its batches along (<see cref="BucketGrain"/>'s migration).
[GenerateSerializer, Immutable, Alias("hyperd.PendingBatch")]
public sealed record PendingBatch(
    [property: Id(0)] long Sequence,
    [property: Id(1)] long[] AffectedIds,
    [property: Id(2)] long[] UpsertIds,
    [property: Id(3)] float[] UpsertUnitVectors,
    [property: Id(4)] object?[][]? UpsertFields = null)
{
    /// <summary>Bucket <paramref name="bucket"/>'s share of a log record: all its ids, and the rows that hashed here.</summary>
    public static PendingBatch From(LogRecord record, int bucket)
    {
        if (record.Kind != LogRecordKind.Upsert)
        {
            return new PendingBatch(record.Sequence, record.Ids, [], []);
        }

        int d = record.Dimensions;
        int mine = record.Buckets.AsSpan().Count((byte)bucket);
        var ids = new long[mine];
        var vectors = new float[mine * d];
        object?[][]? fields = record.Fields is null ? null : new object?[mine][];
        for (int i = 0, j = 0; i < record.Ids.Length; i++)
        {
            if (record.Buckets[i] == bucket)
            {
                ids[j] = record.Ids[i];
                record.UnitVectors.AsSpan(i * d, d).CopyTo(vectors.AsSpan(j * d, d));
                fields?[j] = record.Fields![i];
                j++;
            }
        }

        return new PendingBatch(record.Sequence, record.Ids, ids, vectors, fields);
    }
}
