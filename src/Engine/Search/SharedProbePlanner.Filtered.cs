using System.Runtime.CompilerServices;
using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Planning under a filter. A filter that keeps a share s of the rows leaves nprobe clusters holding about s of the rows
/// an unfiltered search would read, and its k nearest matches lie further out; so each query keeps probing clusters
/// in centroid order until the clusters it has taken hold as many matching rows as an unfiltered search reads rows
/// (budget × the average cluster), or every cluster of its buckets is taken. Only clusters with a match are scanned,
/// and the scan reads only their matching rows, so the dot products stay about those of an unfiltered search.
/// </summary>
public sealed partial class SharedProbePlanner
{
    /// <summary>
    /// Matching rows a filtered query's clusters must hold, in units of the rows its unfiltered budget reads. Above 1 it
    /// buys recall where matches cluster unevenly; measured on GloVe (docs/decisions/filtered-search.md).
    /// </summary>
    public const double FilteredTargetFactor = 1.0;

    /// <summary>
    /// Plans <paramref name="rows"/> of <paramref name="batch"/> for a filter with <paramref name="filter"/>'s matches: the
    /// buckets probed grow as the share kept shrinks (lshProbes / s, at most all 8), then each query takes clusters in
    /// centroid order, growing their number from budget / s until they hold the target of matching rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ProbePlan PlanFiltered(
        PreparedQueries batch,
        ReadOnlySpan<int> rows,
        SearchParameters parameters,
        FilterPlan filter,
        SearchScratch scratch,
        double targetFactor = FilteredTargetFactor)
    {
        parameters.Validate(LshHasher.BucketCount);
        ProbePlan plan = scratch.Plan;
        plan.Clear();
        double share = Math.Max(filter.Selectivity, 1e-9);
        int lshProbes = (int)Math.Min(LshHasher.BucketCount, Math.Max(parameters.LshProbes, Math.Ceiling(parameters.LshProbes / share)));
        long budget = (long)parameters.LshProbes * parameters.NProbe;
        double target = targetFactor * budget * filter.Rows / Math.Max(1, TotalClusters);
        long first = (long)Math.Ceiling(budget / share);
        for (int from = 0; from < rows.Length; from += SliceQueries)
        {
            ReadOnlySpan<int> slice = rows.Slice(from, Math.Min(SliceQueries, rows.Length - from));
            float[] scores = ScoreSlice(batch.Unit, batch.Dimensions, slice, batch.ProbeOrders, lshProbes, scratch);
            for (int i = 0; i < slice.Length; i++)
            {
                Widen(
                    plan,
                    slice[i],
                    scores.AsSpan(i * TotalClusters, TotalClusters),
                    batch.ProbeOrders.AsSpan(slice[i] * LshHasher.BucketCount, lshProbes),
                    first,
                    target,
                    filter,
                    scratch.Candidates);
            }
        }

        return plan;
    }

    /// <summary>
    /// How much a query's clusters grow each round until they hold the target: small steps overshoot the target by
    /// little, and a round costs one linear selection over the probed centroids' scores.
    /// </summary>
    private const double Growth = 1.25;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Widen(
        ProbePlan plan,
        int query,
        ReadOnlySpan<float> row,
        ReadOnlySpan<int> probed,
        long first,
        double target,
        FilterPlan filter,
        TopCandidates candidates)
    {
        Span<int> starts = stackalloc int[LshHasher.BucketCount + 1];
        int reachable = AddToProbed(plan, query, probed, starts);
        if (reachable == 0)
        {
            return;
        }

        // The best `take` clusters, grown until they hold the target (selection is linear in the row; a sort is not).
        int take = (int)Math.Clamp(first, 1, reachable);
        ReadOnlySpan<int> chosen;
        while (true)
        {
            chosen = candidates.Select(row[..reachable], take);
            long held = 0;
            int bucket = 0;
            foreach (int position in chosen)
            {
                while (position >= starts[bucket + 1])
                {
                    bucket++;
                }

                held += filter.Count(probed[bucket], position - starts[bucket]);
            }

            if (held >= target || take == reachable)
            {
                break;
            }

            take = (int)Math.Min(reachable, Math.Max(take + 1, (long)(take * Growth)));
        }

        int owner = 0;
        foreach (int position in chosen)
        {
            while (position >= starts[owner + 1])
            {
                owner++;
            }

            int cluster = position - starts[owner];
            if (filter.Count(probed[owner], cluster) > 0)
            {
                plan.AddCluster(probed[owner], cluster);
            }
        }
    }
}
