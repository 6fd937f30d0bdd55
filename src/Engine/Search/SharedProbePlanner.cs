using System.Runtime.CompilerServices;
using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search.Blocked;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Spends one budget of lshProbes × nprobe clusters per query (<see cref="ProbeBudget.Shared"/>): the centroids
/// of all the buckets a query probes are ranked together and the best ones are scanned, wherever they lie. With
/// principal planes a query's own bucket holds most of its neighbours, so per-bucket probes starve it while the
/// far buckets' probes are mostly wasted; one ranking puts the clusters where the neighbours are.
/// The engine and the cluster's coordinator plan with this same class, so both pick the same clusters bit for bit.
/// Immutable; thread-safe (each caller brings its <see cref="SearchScratch"/>).
/// </summary>
public sealed partial class SharedProbePlanner
{
    private readonly CentroidScorer?[] _quantizers;
    private readonly long[][] _ids;

    /// <param name="quantizers">Each bucket's centroids, by bucket number; null for an empty bucket.</param>
    public SharedProbePlanner(IReadOnlyList<CentroidScorer?> quantizers)
    {
        ArgumentNullException.ThrowIfNull(quantizers);
        if (quantizers.Count != LshHasher.BucketCount)
        {
            throw new ArgumentException($"expected {LshHasher.BucketCount} buckets' centroids, got {quantizers.Count}.", nameof(quantizers));
        }

        _quantizers = [.. quantizers];
        _ids = new long[LshHasher.BucketCount][];
        for (int b = 0; b < _quantizers.Length; b++)
        {
            int count = _quantizers[b]?.Count ?? 0;
            TotalClusters += count;

            // Bucket and cluster in one id, so the clusters of all probed buckets can share one heap.
            _ids[b] = [.. Enumerable.Range(0, count).Select(c => ((long)b << 32) | (uint)c)];
        }
    }

    /// <summary>Clusters over all buckets: the most a query can be given.</summary>
    public int TotalClusters { get; }

    /// <summary>
    /// Plans <paramref name="queries"/> (indexes of rows of <paramref name="unitQueries"/>; <paramref name="probeOrders"/>
    /// holds each row's 8 buckets, nearest first, at row × 8). The plan lives in <paramref name="scratch"/> until its
    /// next plan.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ProbePlan Plan(
        ReadOnlySpan<float> unitQueries,
        int dimensions,
        ReadOnlySpan<int> queries,
        ReadOnlySpan<int> probeOrders,
        int lshProbes,
        int nprobe,
        SearchScratch scratch)
    {
        new SearchParameters(lshProbes, nprobe).Validate(LshHasher.BucketCount);
        long budget = (long)lshProbes * nprobe;
        ProbePlan plan = scratch.Plan;
        plan.Clear();
        for (int first = 0; first < queries.Length; first += SliceQueries)
        {
            ReadOnlySpan<int> slice = queries.Slice(first, Math.Min(SliceQueries, queries.Length - first));
            if (budget <= MaxHeapBudget)
            {
                PlanByHeaps(plan, unitQueries, dimensions, slice, probeOrders, lshProbes, (int)budget, scratch);
                continue;
            }

            float[] scores = ScoreSlice(unitQueries, dimensions, slice, probeOrders, lshProbes, scratch);
            for (int i = 0; i < slice.Length; i++)
            {
                Choose(
                    plan,
                    slice[i],
                    scores.AsSpan(i * TotalClusters, TotalClusters),
                    probeOrders.Slice(slice[i] * LshHasher.BucketCount, lshProbes),
                    budget,
                    scratch.Candidates);
            }
        }

        return plan;
    }

    /// <summary>
    /// Plans <paramref name="rows"/> of <paramref name="batch"/> under <paramref name="parameters"/>: one shared budget
    /// (<see cref="ProbeBudget.Shared"/>) or the best nprobe clusters of each probed bucket (<see cref="ProbeBudget.PerBucket"/>).
    /// </summary>
    public ProbePlan Plan(PreparedQueries batch, ReadOnlySpan<int> rows, SearchParameters parameters, SearchScratch scratch) =>
        parameters.Budget == ProbeBudget.Shared
            ? Plan(batch.Unit, batch.Dimensions, rows, batch.ProbeOrders, parameters.LshProbes, parameters.NProbe, scratch)
            : PlanPerBucket(batch.Unit, batch.Dimensions, rows, batch.ProbeOrders, parameters.LshProbes, parameters.NProbe, scratch);

    /// <summary>
    /// The best <paramref name="nprobe"/> clusters of each of the <paramref name="lshProbes"/> buckets each query probes
    /// (all of a bucket's clusters when it has fewer), ranked per bucket with a heap per query.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ProbePlan PlanPerBucket(
        ReadOnlySpan<float> unitQueries,
        int d,
        ReadOnlySpan<int> queries,
        ReadOnlySpan<int> probeOrders,
        int lshProbes,
        int nprobe,
        SearchScratch scratch)
    {
        new SearchParameters(lshProbes, nprobe).Validate(LshHasher.BucketCount);
        ProbePlan plan = scratch.Plan;
        plan.Clear();
        int largest = _quantizers.Max(q => q?.Count ?? 0);
        int probes = Math.Max(1, Math.Min(nprobe, largest));
        for (int first = 0; first < queries.Length; first += SliceQueries)
        {
            ReadOnlySpan<int> slice = queries.Slice(first, Math.Min(SliceQueries, queries.Length - first));
            int[] members = scratch.Rent(ref scratch.PlanMembers, slice.Length);
            for (int b = 0; b < _quantizers.Length; b++)
            {
                int count = Members(b, slice, probeOrders, lshProbes, members);
                if (count == 0)
                {
                    continue;
                }

                if (_quantizers[b] is not { } quantizer)
                {
                    for (int j = 0; j < count; j++)
                    {
                        plan.AddQuery(b, slice[members[j]]);
                    }

                    continue;
                }

                TopK[] heaps = scratch.BudgetHeaps(count, probes);
                RankInto(quantizer, _ids[b], unitQueries, d, slice, members, count, heaps, byMember: true, scratch);
                long[] chosen = scratch.Rent(ref scratch.SelectedIds, probes);
                for (int j = 0; j < count; j++)
                {
                    plan.AddQuery(b, slice[members[j]]);
                    foreach (long id in chosen.AsSpan(0, heaps[j].DrainIds(chosen)))
                    {
                        plan.AddCluster(b, (int)id);
                    }
                }
            }
        }

        return plan;
    }

    /// <summary>
    /// Every cluster of every bucket for each of <paramref name="queries"/>, buckets in each query's probe order: the
    /// short-answer rule's plan, which finds every row a query can reach. Under a <paramref name="filter"/>, only the clusters
    /// holding a match.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ProbePlan PlanEverything(ReadOnlySpan<int> queries, ReadOnlySpan<int> probeOrders, SearchScratch scratch, FilterPlan? filter = null)
    {
        ProbePlan plan = scratch.Plan;
        plan.Clear();
        foreach (int q in queries)
        {
            foreach (int b in probeOrders.Slice(q * LshHasher.BucketCount, LshHasher.BucketCount))
            {
                plan.AddQuery(b, q);
                for (int c = 0; c < Clusters(b); c++)
                {
                    if (filter is null || filter.Count(b, c) > 0)
                    {
                        plan.AddCluster(b, c);
                    }
                }
            }
        }

        return plan;
    }

    /// <summary>
    /// Scores the centroids of one bucket for the <paramref name="count"/> queries <c>slice[members[j]]</c> into
    /// <c>heaps[j]</c> (<paramref name="byMember"/>: one heap per bucket's member) or <c>heaps[members[j]]</c> (one heap
    /// per query of the slice, across buckets): blocks of queries as one small matrix product, the few left one at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RankInto(
        CentroidScorer quantizer,
        long[] ids,
        ReadOnlySpan<float> unitQueries,
        int d,
        ReadOnlySpan<int> slice,
        int[] members,
        int count,
        TopK[] heaps,
        bool byMember,
        SearchScratch scratch)
    {
        int next = 0;
        while (BlockedScan.BlockLanes(count - next, BucketIndex.MinCentroidBlockQueries, minLanes: 8) is int lanes and > 0)
        {
            int take = Math.Min(lanes, count - next);
            QueryBlock block = scratch.Block;
            block.Begin(lanes, d, exactScores: false);
            for (int l = 0; l < take; l++)
            {
                block.Add(unitQueries.Slice(slice[members[next + l]] * d, d), heaps[byMember ? next + l : members[next + l]]);
            }

            BlockedScan.Run(quantizer.Rows, ids, d, block, default(AllRows));
            next += take;
        }

        float[] scores = scratch.Rent(ref scratch.Scores, quantizer.Count);
        for (; next < count; next++)
        {
            quantizer.Score(unitQueries.Slice(slice[members[next]] * d, d), scores);
            heaps[byMember ? next : members[next]].AddRange(scores.AsSpan(0, quantizer.Count), ids);
        }

        scratch.Counters.Centroids += (long)quantizer.Count * count;
    }

    /// <summary>
    /// A small budget: each query keeps its best clusters in a heap that the blocked ranking feeds directly (a row
    /// leaves the registers only if it beats the heap), so no score is written out; as per-bucket ranking costs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PlanByHeaps(
        ProbePlan plan,
        ReadOnlySpan<float> unitQueries,
        int d,
        ReadOnlySpan<int> slice,
        ReadOnlySpan<int> probeOrders,
        int lshProbes,
        int budget,
        SearchScratch scratch)
    {
        TopK[] heaps = scratch.BudgetHeaps(slice.Length, budget);
        int[] members = scratch.Rent(ref scratch.PlanMembers, slice.Length);
        for (int b = 0; b < _quantizers.Length; b++)
        {
            if (_quantizers[b] is not { } quantizer)
            {
                continue;
            }

            int count = Members(b, slice, probeOrders, lshProbes, members);
            RankInto(quantizer, _ids[b], unitQueries, d, slice, members, count, heaps, byMember: false, scratch);
        }

        long[] chosen = scratch.Rent(ref scratch.SelectedIds, budget);
        for (int i = 0; i < slice.Length; i++)
        {
            ReadOnlySpan<long> ids = chosen.AsSpan(0, heaps[i].DrainIds(chosen));
            foreach (int b in probeOrders.Slice(slice[i] * LshHasher.BucketCount, lshProbes))
            {
                plan.AddQuery(b, slice[i]);
                foreach (long id in ids)
                {
                    if ((int)(id >> 32) == b)
                    {
                        plan.AddCluster(b, (int)id);
                    }
                }
            }
        }
    }

    /// <summary>The positions in <paramref name="slice"/> of the queries that probe bucket <paramref name="bucket"/>, into
    /// <paramref name="members"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Members(int bucket, ReadOnlySpan<int> slice, ReadOnlySpan<int> probeOrders, int lshProbes, int[] members)
    {
        int count = 0;
        for (int i = 0; i < slice.Length; i++)
        {
            if (probeOrders.Slice(slice[i] * LshHasher.BucketCount, lshProbes).Contains(bucket))
            {
                members[count++] = i;
            }
        }

        return count;
    }

    /// <summary>Queries whose scores are held at once: TotalClusters floats each (32 KB at 8 × 1000 clusters).</summary>
    private const int SliceQueries = 128;

    /// <summary>
    /// Row i of the result (TotalClusters wide) starts with query slice[i]'s scores against every centroid of the
    /// buckets it probes, side by side in its probe order (<see cref="RowStart"/>). Blocks of queries per bucket as
    /// one small matrix product, the few left one at a time (both round alike, so a query ranks the same in any batch).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float[] ScoreSlice(
        ReadOnlySpan<float> unitQueries,
        int d,
        ReadOnlySpan<int> slice,
        ReadOnlySpan<int> probeOrders,
        int lshProbes,
        SearchScratch scratch)
    {
        float[] scores = scratch.Rent(ref scratch.PlanScores, slice.Length * TotalClusters);
        int[] members = scratch.Rent(ref scratch.PlanMembers, slice.Length);
        for (int b = 0; b < _quantizers.Length; b++)
        {
            if (_quantizers[b] is not { } quantizer)
            {
                continue;
            }

            int count = Members(b, slice, probeOrders, lshProbes, members);
            int clusters = quantizer.Count;
            int next = 0;
            while (BlockedScan.BlockLanes(count - next, BucketIndex.MinCentroidBlockQueries, minLanes: 8) is int lanes and > 0)
            {
                int take = Math.Min(lanes, count - next);
                QueryBlock block = scratch.Block;
                block.Begin(lanes, d, exactScores: false);
                for (int l = 0; l < take; l++)
                {
                    block.AddQuery(unitQueries.Slice(slice[members[next + l]] * d, d));
                }

                float[] tile = scratch.Rent(ref scratch.PlanTile, BlockedScores.OutputLength(clusters, lanes));
                BlockedScores.Run(quantizer.Rows, clusters, d, block, tile);
                for (int l = 0; l < take; l++)
                {
                    int i = members[next + l];
                    Span<float> row = scores.AsSpan(
                        (i * TotalClusters) + RowStart(probeOrders.Slice(slice[i] * LshHasher.BucketCount, lshProbes), b),
                        clusters);
                    for (int c = 0; c < clusters; c++)
                    {
                        row[c] = tile[(c * lanes) + l];
                    }
                }

                next += take;
            }

            for (; next < count; next++)
            {
                int i = members[next];
                int start = RowStart(probeOrders.Slice(slice[i] * LshHasher.BucketCount, lshProbes), b);
                quantizer.Score(unitQueries.Slice(slice[i] * d, d), scores.AsSpan((i * TotalClusters) + start, clusters));
            }

            scratch.Counters.Centroids += (long)clusters * count;
        }

        return scores;
    }

    /// <summary>
    /// Adds query <paramref name="query"/> to each bucket it probes, with the clusters among its best
    /// k = min(budget, clusters probed): every score above the k-th largest, then ties with it in probe order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Choose(ProbePlan plan, int query, ReadOnlySpan<float> row, ReadOnlySpan<int> probed, long budget, TopCandidates candidates)
    {
        Span<int> starts = stackalloc int[LshHasher.BucketCount + 1];
        int reachable = AddToProbed(plan, query, probed, starts);
        int k = (int)Math.Min(budget, reachable);
        if (k == 0)
        {
            return;
        }

        int bucket = 0;
        foreach (int position in candidates.Select(row[..reachable], k))
        {
            while (position >= starts[bucket + 1])
            {
                bucket++;
            }

            plan.AddCluster(probed[bucket], position - starts[bucket]);
        }
    }

    /// <summary>
    /// Adds <paramref name="query"/> to each bucket it probes and writes where each probed bucket's scores start in its
    /// row of centroid scores into <paramref name="starts"/>; returns how many clusters it can reach.
    /// </summary>
    private int AddToProbed(ProbePlan plan, int query, ReadOnlySpan<int> probed, Span<int> starts)
    {
        int reachable = 0;
        for (int i = 0; i < probed.Length; i++)
        {
            starts[i] = reachable;
            reachable += Clusters(probed[i]);
        }

        starts[probed.Length] = reachable;
        foreach (int b in probed)
        {
            plan.AddQuery(b, query);
        }

        return reachable;
    }

    /// <summary>
    /// How many queries a pass of at most <paramref name="maxPairs"/> (query, cluster) pairs holds under
    /// <paramref name="parameters"/> (a shared budget's lshProbes × nprobe, or nprobe per bucket), at least one:
    /// the engine's workers and the cluster's coordinator both plan and scan in passes of this size.
    /// </summary>
    public int QueriesPerPass(SearchParameters parameters, long maxPairs)
    {
        long pairs = parameters.Budget == ProbeBudget.Shared ? (long)parameters.LshProbes * parameters.NProbe : parameters.NProbe;
        return (int)Math.Clamp(maxPairs / Math.Clamp(pairs, 1, Math.Max(1, TotalClusters)), 1, int.MaxValue);
    }

    /// <summary>Budgets up to which a heap per query beats writing out every score and selecting (a heap of k sifts log k per entry).</summary>
    private const int MaxHeapBudget = 64;

    private int Clusters(int bucket) => _quantizers[bucket]?.Count ?? 0;

    /// <summary>Where <paramref name="bucket"/>'s scores start in the row of a query probing <paramref name="probed"/>: after
    /// the buckets it probes first.</summary>
    private int RowStart(ReadOnlySpan<int> probed, int bucket)
    {
        int start = 0;
        foreach (int b in probed)
        {
            if (b == bucket)
            {
                return start;
            }

            start += Clusters(b);
        }

        throw new ArgumentException($"bucket {bucket} is not among the probed buckets.", nameof(bucket));
    }
}
