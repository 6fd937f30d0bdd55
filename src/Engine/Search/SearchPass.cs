using HyperdOrleans.Engine.Filters;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// One planned pass handed to an <see cref="ISearchExecutor"/>: bucket b scans, for each query row
/// <c>Plan.Queries(b)[i]</c> of <see cref="UnitQueries"/>, the clusters of its plan row, into <c>Heaps[row]</c>.
/// A query the plan lists in a bucket with no clusters still sees that bucket (for rows it holds outside its
/// clusters, such as a bucket grain's pending appends). Valid only during the executor's call.
/// </summary>
public sealed record SearchPass(float[] UnitQueries, int Dimensions, int K, int Rerank, ProbePlan Plan, TopK[] Heaps)
{
    /// <summary>A filter's matches per bucket: only these rows may enter the heaps. Null for an unfiltered search.</summary>
    public FilterPlan? Filter { get; init; }
}
