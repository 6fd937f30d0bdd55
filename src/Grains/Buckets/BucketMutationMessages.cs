using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// One logged mutation as a bucket applies it: its sequence in the index's write-ahead log and the one acknowledged before
/// it (sequences of failed appends are skipped), the upserts that hash to the bucket (unit vectors) and the ids of the
/// whole mutation, which hide older copies of those ids wherever they are. <see cref="Generation"/> is the one the index serves: a
/// replica behind it missed a switch and opens it first.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketMutation.v2")]
public sealed record BucketMutation(
    [property: Id(0)] long Sequence,
    [property: Id(1)] long[] AffectedIds,
    [property: Id(2)] long[] UpsertIds,
    [property: Id(3)] float[] UpsertUnitVectors,
    [property: Id(4)] long Previous,
    [property: Id(5)] object?[][]? UpsertFields = null,
    [property: Id(6)] long Generation = 0);

/// <summary>A bucket's share of a rebuild's source: ids whose file copies are gone, its live pending rows' count, and the watermark.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.PendingExport")]
public sealed record PendingExport([property: Id(0)] long Watermark, [property: Id(1)] long[] TouchedIds, [property: Id(2)] long Rows);

/// <summary>
/// Live pending rows (unit vectors, and their field values in an index with data fields), handed back after a generation
/// switch to be placed by the new planes.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.PendingRows")]
public sealed record PendingRows([property: Id(0)] long[] Ids, [property: Id(1)] float[] UnitVectors, [property: Id(2)] object?[]?[]? Fields = null);

/// <summary>A generation a bucket is asked to serve: its files and the watermark of pending data folded into them.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketGeneration")]
public sealed record BucketGeneration(
    [property: Id(0)] long Generation,
    [property: Id(1)] BucketManifest Files,
    [property: Id(2)] long Watermark,
    [property: Id(3)] int Dimensions,
    [property: Id(4)] DataField[]? Fields = null);
