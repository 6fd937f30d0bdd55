using HyperdOrleans.Engine.Ivf;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// The engine's executor: scans each bucket's assignment from its mapped files straight into the pass's heaps
/// (one heap per query across buckets, so a bucket scanned later starts from the tighter threshold of those
/// before it). One per worker: it scans with that worker's scratch.
/// </summary>
internal sealed class LocalSearchExecutor(BucketIndex?[] buckets, SearchScratch scratch) : ISearchExecutor
{
    public ValueTask ScanAsync(SearchPass pass, CancellationToken cancellationToken)
    {
        ProbePlan plan = pass.Plan;
        for (int b = 0; b < buckets.Length; b++)
        {
            if (buckets[b] is { } bucket && plan.QueryCount(b) > 0)
            {
                bucket.SearchAssigned(
                    pass.UnitQueries,
                    plan.Queries(b),
                    plan.Offsets(b),
                    plan.Clusters(b),
                    pass.Heaps,
                    scratch,
                    excluded: null,
                    pass.Rerank,
                    pass.Filter?.Buckets[b]);
            }
        }

        return ValueTask.CompletedTask;
    }
}
