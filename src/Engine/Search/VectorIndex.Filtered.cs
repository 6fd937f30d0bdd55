using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Ivf;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Filtered search over the index's data fields. The filter is compiled and evaluated once per call and bucket (a
/// bitmap of the rows it keeps and their count per cluster), then one of two plans runs (<see cref="FilterStrategy"/>):
/// probing with widened probes where only matching rows are scored, or, when the filter keeps too few rows for
/// clusters to pay, an exact scan of the matching rows alone. Either way a row that fails never enters a heap.
/// </summary>
public sealed partial class VectorIndex
{
    /// <summary>
    /// How many matching rows an exact scan may read for each row a widened probe reads before probing pays: a probe
    /// reads about as many matching rows as an unfiltered search reads rows (budget × the average cluster), but each
    /// costs several times a gathered row of the exact scan (the centroids are ranked, and clusters hold few matches
    /// each). Measured on GloVe 331k: 6 (docs/decisions/filtered-search.md).
    /// </summary>
    public const double ExactCostRatio = 6;

    /// <summary>
    /// The share of rows below which <see cref="FilterStrategy.Auto"/> scans the matching rows exactly instead of probing:
    /// <see cref="ExactCostRatio"/> × the rows a probe reads, over the rows of the index. It falls as the index grows (an
    /// exact scan grows with the rows, a probe with the clusters): 27 % on GloVe 331k at (7, 15), under 1 % at 1M
    /// clustered rows at (5, 1).
    /// </summary>
    public double ExactBelowSelectivity(SearchParameters parameters) =>
        ExactCostRatio * parameters.LshProbes * parameters.NProbe / Math.Max(1, Planner.TotalClusters);

    /// <summary>The rows each bucket keeps under <paramref name="filter"/> (validated against <see cref="Schema"/>: an
    /// <see cref="ArgumentException"/> names a bad field or value).</summary>
    public FilterPlan Match(Filter filter)
    {
        FilterValidator.Validate(filter, Schema);
        var buckets = new RowMatches?[_buckets.Length];
        for (int b = 0; b < _buckets.Length; b++)
        {
            if (_buckets[b] is { } bucket)
            {
                Fields.BucketFields fields = bucket.Fields
                    ?? throw new InvalidOperationException($"bucket {b} of '{Directory}' was opened without its fields file.");
                buckets[b] = new RowMatches(CompiledFilter.Compile(filter, fields).Evaluate(), fields.ClusterStarts);
            }
        }

        return new FilterPlan(buckets, Count);
    }

    /// <summary>
    /// The top <paramref name="k"/> of each query among the rows <paramref name="filter"/> keeps, by descending cosine;
    /// fewer when fewer rows match. <paramref name="strategy"/> chooses the plan (by default from the share of rows kept).
    /// </summary>
    public Neighbor[][] SearchBatch(
        ReadOnlySpan<float> queries,
        int k,
        Filter filter,
        SearchParameters? parameters = null,
        int threads = 0,
        FilterStrategy strategy = FilterStrategy.Auto,
        SearchStats? stats = null)
    {
        SearchParameters p = parameters ?? DefaultParameters;
        PreparedQueries batch = Flow.Prepare(queries, k, Count, p, $"the index ({Count} vectors)");
        FilterPlan plan = Match(filter);
        var results = new Neighbor[batch.Count][];
        if (plan.Total == 0)
        {
            Array.Fill(results, []);
            return results;
        }

        bool exact = strategy == FilterStrategy.Exact || (strategy == FilterStrategy.Auto && plan.Selectivity < ExactBelowSelectivity(p));
        RunWorkers(batch.Count, threads, stats, (first, end, scratch) =>
        {
            if (exact)
            {
                ScanMatchesExactly(batch, first, end, k, plan, scratch, results);
            }
            else
            {
                RunFlow(batch, first, end, k, p, scratch, results, plan);
            }
        });
        return results;
    }

    /// <summary>The top <paramref name="k"/> of one query among the rows <paramref name="filter"/> keeps.</summary>
    public Neighbor[] Search(ReadOnlySpan<float> query, int k, Filter filter, SearchParameters? parameters = null)
    {
        if (query.Length != Dimensions)
        {
            throw new InvalidVectorException($"query has {query.Length} dimensions; the index has {Dimensions}.");
        }

        return SearchBatch(query, k, filter, parameters, threads: 1)[0];
    }

    /// <summary>
    /// Every field value of the rows with <paramref name="ids"/>, aligned with <see cref="Schema"/>; ids the generation does
    /// not hold are absent. One pass over every bucket's ids (8 bytes a row), then a read of each row found.
    /// </summary>
    public IReadOnlyDictionary<long, object?[]> ReadFields(IEnumerable<long> ids)
    {
        var wanted = new HashSet<long>(ids);
        var found = new Dictionary<long, object?[]>();
        foreach (BucketIndex? bucket in _buckets)
        {
            bucket?.ReadFields(wanted, found);
        }

        return found;
    }

    private void ScanMatchesExactly(PreparedQueries batch, int first, int end, int k, FilterPlan plan, SearchScratch scratch, Neighbor[][] results)
    {
        var heaps = new TopK[batch.Count];
        int[] queries = [.. Enumerable.Range(first, end - first)];
        foreach (int q in queries)
        {
            heaps[q] = new TopK(k);
        }

        for (int b = 0; b < _buckets.Length; b++)
        {
            if (_buckets[b] is { } bucket && plan.Buckets[b] is { Total: > 0 } matches)
            {
                bucket.ScanMatchedExactly(matches, batch.Unit, queries, heaps, scratch);
            }
        }

        foreach (int q in queries)
        {
            results[q] = heaps[q].ToSortedArray();
        }
    }
}
