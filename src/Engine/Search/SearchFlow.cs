using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// The one search path of the engine and the cluster: prepare (check, normalise, hash), plan (query, cluster)
/// assignments per bucket, hand each pass to an <see cref="ISearchExecutor"/>, apply the short-answer rule, and
/// finish every query's top k. The engine runs it with an executor over its mapped files, the cluster's
/// coordinator with one over the bucket grains, so both answer alike by construction.
/// Immutable per generation; thread-safe (each caller brings its scratch and executor).
/// </summary>
public sealed class SearchFlow(LshHasher hasher, SharedProbePlanner planner)
{
    /// <summary>How many (query, cluster) pairs one pass plans and scans at most by default: 2^19, about 6 MB of pair arrays.</summary>
    public const long DefaultPairsPerPass = 1 << 19;

    public LshHasher Hasher => hasher;

    public SharedProbePlanner Planner => planner;

    public int Dimensions => hasher.Dimensions;

    /// <summary>
    /// Checks the settings (<see cref="ArgumentOutOfRangeException"/> naming the bad one; k must lie in 1..<paramref name="maxK"/>)
    /// and the queries (<see cref="InvalidVectorException"/>: whole rows, finite, not zero), then normalises and hashes them.
    /// </summary>
    public PreparedQueries Prepare(ReadOnlySpan<float> queries, int k, long maxK, SearchParameters parameters, string what)
    {
        parameters.Validate(LshHasher.BucketCount);
        if (k < 1 || k > maxK)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and {maxK} for {what}, got {k}.");
        }

        int d = Dimensions;
        float[] unit = VectorIndex.PrepareQueries(queries, d);
        int n = unit.Length / d;
        var probeOrders = new int[n * LshHasher.BucketCount];
        for (int q = 0; q < n; q++)
        {
            hasher.ProbeOrder(unit.AsSpan(q * d, d), probeOrders.AsSpan(q * LshHasher.BucketCount, LshHasher.BucketCount));
        }

        return new PreparedQueries(unit, probeOrders, d);
    }

    /// <summary>
    /// Answers rows <paramref name="first"/>..<paramref name="end"/> of <paramref name="batch"/> into <paramref name="results"/>,
    /// in passes of at most <paramref name="pairsPerPass"/> (query, cluster) pairs, so the plan, every executor request
    /// and their sorts stay a few MB whatever the batch or the budget. A query whose probes held fewer than
    /// min(k, <paramref name="rows"/>) rows (tiny buckets, many deletes) is scanned again over every cluster of every
    /// bucket, so a k no larger than the index always gets k answers. With a <paramref name="filter"/> (its matches in
    /// this generation), probes widen until they hold enough matches (<see cref="SharedProbePlanner.PlanFiltered"/>),
    /// only matching rows are scanned, and the short-answer rule counts matching rows instead of rows.
    /// </summary>
    public async ValueTask SearchAsync(
        PreparedQueries batch, int first, int end, int k, SearchParameters parameters, long rows,
        ISearchExecutor executor, SearchScratch scratch, Neighbor[][] results, long pairsPerPass, CancellationToken cancellationToken,
        FilterPlan? filter = null)
    {
        var heaps = new TopK[batch.Count];
        int passQueries = filter is null
            ? planner.QueriesPerPass(parameters, pairsPerPass)
            : (int)Math.Clamp(pairsPerPass / Math.Max(1, planner.TotalClusters), 1, int.MaxValue);
        int shortQueries = (int)Math.Clamp(pairsPerPass / Math.Max(1, planner.TotalClusters), 1, int.MaxValue);
        long want = Math.Min(k, filter?.Total ?? rows);
        for (int from = first; from < end; from += passQueries)
        {
            int[] pass = [.. Enumerable.Range(from, Math.Min(passQueries, end - from))];
            foreach (int q in pass)
            {
                heaps[q] = new TopK(k);
            }

            ProbePlan plan = filter is null
                ? planner.Plan(batch, pass, parameters, scratch)
                : planner.PlanFiltered(batch, pass, parameters, filter, scratch);
            await executor.ScanAsync(
                new SearchPass(batch.Unit, batch.Dimensions, k, parameters.Rerank, plan, heaps) { Filter = filter },
                cancellationToken);

            int[] shortOnes = [.. pass.Where(q => heaps[q].Count < want)];
            for (int s = 0; s < shortOnes.Length; s += shortQueries)
            {
                int[] chunk = shortOnes[s..Math.Min(shortOnes.Length, s + shortQueries)];
                foreach (int q in chunk)
                {
                    heaps[q].Reset();
                }

                plan = planner.PlanEverything(chunk, batch.ProbeOrders, scratch, filter);
                await executor.ScanAsync(
                    new SearchPass(batch.Unit, batch.Dimensions, k, parameters.Rerank, plan, heaps) { Filter = filter },
                    cancellationToken);
            }

            foreach (int q in pass)
            {
                results[q] = heaps[q].ToSortedArray();
                heaps[q] = null!;
            }
        }
    }
}
