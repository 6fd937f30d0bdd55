using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// A bucket's share of a <see cref="ReadRequest"/> for one generation: the rows of <see cref="Ids"/> it holds, or else its
/// <see cref="Limit"/> smallest ids among the rows <see cref="Filter"/> keeps (validated by the coordinator against
/// <see cref="Fields"/>), which the coordinator merges, skips and cuts.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketReadRequest")]
public sealed record BucketReadRequest(
    [property: Id(0)] long Generation,
    [property: Id(1)] int Dimensions,
    [property: Id(2)] long[]? Ids,
    [property: Id(3)] FieldFilter? Filter,
    [property: Id(4)] DataField[]? Fields,
    [property: Id(5)] int Limit,
    [property: Id(6)] bool IncludeVectors,
    [property: Id(7)] bool IncludeFields);

/// <summary>A bucket's rows for a read; <see cref="Stale"/> as in <see cref="BucketSearchResult"/>.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketRows")]
public sealed record BucketRows([property: Id(0)] long Generation, [property: Id(1)] bool Stale, [property: Id(2)] StoredRow[] Rows);
