using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// A bucket grain's persistent state: the generation it serves and the mutations recorded since (each with
/// its sequence number). Replaced wholesale on every change, so a failed write leaves the old one intact.
/// </summary>
[GenerateSerializer, Alias("hyperd.BucketState")]
public sealed class BucketState
{
    [Id(0)]
    public long NextSequence { get; set; } = 1;

    [Id(1)]
    public BucketGeneration? Current { get; set; }

    [Id(2)]
    public PendingBatch[] Batches { get; set; } = [];
}

/// <summary>
/// One recorded mutation. Every id in <see cref="AffectedIds"/> is hidden wherever an older copy lives; the
/// <see cref="UpsertIds"/> (a subset) are its new rows here, unit vectors in <see cref="UpsertUnitVectors"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.PendingBatch")]
public sealed record PendingBatch(
    [property: Id(0)] long Sequence,
    [property: Id(1)] long[] AffectedIds,
    [property: Id(2)] long[] UpsertIds,
    [property: Id(3)] float[] UpsertUnitVectors);
