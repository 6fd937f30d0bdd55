namespace HyperdOrleans.Abstractions;

/// <summary>
/// Per-query search settings (the engine's <c>SearchParameters</c>); null takes the index's default, as recorded in
/// its manifest by a build or by <c>hyperd tune</c>. <see cref="Rerank"/> matters for SQ8 indexes only: each probed
/// bucket keeps k × rerank candidates by code and re-scores them exactly. <see cref="LshProbes"/> is 1 to 8 (the buckets);
/// <see cref="NProbe"/> is at least 1 and has no upper bound: more than a bucket's clusters scans all of them (an exact
/// search within the probed buckets), as an index's cluster counts change with every rebuild.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.SearchOptions")]
public sealed record SearchOptions(
    [property: Id(0)] int? LshProbes = null,
    [property: Id(1)] int? NProbe = null,
    [property: Id(2)] SearchBudget? Budget = null,
    [property: Id(3)] int? Rerank = null);

/// <summary>How a query's lshProbes × nprobe clusters are spent over the buckets it probes (the engine's <c>ProbeBudget</c>).</summary>
[GenerateSerializer, Alias("hyperd.SearchBudget")]
public enum SearchBudget
{
    /// <summary>The probed buckets' centroids ranked together; the best lshProbes × nprobe clusters wherever they lie.</summary>
    Shared = 0,

    /// <summary>The best nprobe clusters of each probed bucket.</summary>
    PerBucket = 1,
}

/// <summary>
/// A batch of query rows, row-major (rows × the index's dimensions). With a <see cref="Filter"/> only rows that pass it are
/// answered; <see cref="IncludeFields"/> returns each hit's data field values.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.SearchRequest")]
public sealed record SearchRequest(
    [property: Id(0)] float[] Queries,
    [property: Id(1)] int K,
    [property: Id(2)] SearchOptions? Options = null,
    [property: Id(3)] FieldFilter? Filter = null,
    [property: Id(4)] bool IncludeFields = false);

/// <summary>
/// One query's hits by descending score: <c>Ids[i]</c> scored <c>Scores[i]</c>; when asked, <c>Fields[i]</c> holds its data
/// field values (aligned with the index's fields).
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.QueryResult")]
public sealed record QueryResult([property: Id(0)] long[] Ids, [property: Id(1)] float[] Scores, [property: Id(2)] object?[][]? Fields = null)
{
    public int Count => Ids.Length;
}

/// <summary>The answers to a <see cref="SearchRequest"/>, one per row, and the generation that served them.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.SearchResponse")]
public sealed record SearchResponse([property: Id(0)] long Generation, [property: Id(1)] QueryResult[] Results);
