using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// One bucket's share of a planned pass, for one generation: queries already normalised by the coordinator; query i
/// scans <c>Clusters[ClusterOffsets[i] .. ClusterOffsets[i + 1]]</c> (possibly none: it still sees the pending rows).
/// With a <see cref="Filter"/> (validated by the coordinator against the index's <see cref="Fields"/>) only rows that pass it
/// are scored: in the assigned clusters, or with <see cref="ExactMatches"/> in every cluster (an exact scan of the matches).
/// <see cref="IncludeFields"/> returns each hit's field values. <see cref="WaitReady"/> makes a replica that is still loading
/// answer once loaded instead of "not ready" at once (what a coordinator asks when no replica of the bucket is ready).
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketSearchRequest")]
public sealed record BucketSearchRequest(
    [property: Id(0)] long Generation,
    [property: Id(1)] int Dimensions,
    [property: Id(2)] float[] UnitQueries,
    [property: Id(3)] int K,
    [property: Id(4)] int Rerank,
    [property: Id(5)] int[] ClusterOffsets,
    [property: Id(6)] int[] Clusters,
    [property: Id(7)] FieldFilter? Filter = null,
    [property: Id(8)] DataField[]? Fields = null,
    [property: Id(9)] bool IncludeFields = false,
    [property: Id(10)] bool ExactMatches = false,
    [property: Id(11)] bool WaitReady = false);

/// <summary>
/// How many rows of a bucket's files a filter keeps (<see cref="Matched"/> of <see cref="Rows"/>), for a coordinator choosing
/// between widened probes and an exact scan of the matches. <see cref="Stale"/> as in <see cref="BucketSearchResult"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketMatchCount")]
public sealed record BucketMatchCount(
    [property: Id(0)] long Generation,
    [property: Id(1)] bool Stale,
    [property: Id(2)] long Matched,
    [property: Id(3)] long Rows);

/// <summary>
/// A bucket's centroids (row-major, clusters × dimensions; empty for an empty bucket), for a coordinator that ranks
/// several buckets' centroids together. <see cref="Stale"/> as in <see cref="BucketSearchResult"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketCentroids")]
public sealed record BucketCentroids(
    [property: Id(0)] long Generation,
    [property: Id(1)] bool Stale,
    [property: Id(2)] float[] Rows);

/// <summary>
/// A bucket's answer. <see cref="Stale"/> means the bucket no longer serves the requested generation
/// (it serves <see cref="Generation"/>): the coordinator refreshes its routing and asks again, or, when the replica is behind
/// the requested generation, asks another replica. <see cref="NotReady"/>: the replica is still loading (no results).
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketSearchResult")]
public sealed record BucketSearchResult(
    [property: Id(0)] long Generation,
    [property: Id(1)] bool Stale,
    [property: Id(2)] QueryResult[] Results,
    [property: Id(3)] long VectorsScanned,
    [property: Id(4)] bool NotReady = false);
