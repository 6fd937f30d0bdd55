using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// One generation of an index, opened for search: the LSH hasher and the eight buckets' mapped files. A build
/// that switches the directory to a newer generation does not disturb an open instance: it keeps serving the
/// generation it opened until disposed. Searches are thread-safe; <see cref="Dispose"/> must follow the last one.
/// </summary>
public sealed class VectorIndex : IDisposable
{
    private readonly BucketIndex?[] _buckets;
    // Scratch is rented per worker, not per thread: the pool holds as many as ran at once, whichever pool threads ran them.
    private readonly ScratchPool _scratch = new();

    private VectorIndex(string directory, IndexManifest manifest, BucketIndex?[] buckets)
    {
        Directory = directory;
        Manifest = manifest;
        Hasher = manifest.ToHasher();
        _buckets = buckets;
        Planner = new SharedProbePlanner([.. buckets.Select(b => b?.Quantizer)]);
    }

    public string Directory { get; }

    public IndexManifest Manifest { get; }

    public LshHasher Hasher { get; }

    /// <summary>Chooses the clusters of a <see cref="ProbeBudget.Shared"/> search across buckets.</summary>
    public SharedProbePlanner Planner { get; }

    /// <summary>The workers' scratch buffers, kept between batches and let go of when the index idles.</summary>
    internal ScratchPool Scratches => _scratch;

    /// <summary>Whether the index has SQ8 codes (every non-empty bucket has them, or none does).</summary>
    public bool IsQuantized => _buckets.Any(b => b?.IsQuantized == true);

    public int Dimensions => Manifest.Dimensions;

    public long Count => Manifest.Count;

    public long Generation => Manifest.Generation;

    /// <summary>The index's default probes, as recorded in its manifest.</summary>
    public SearchParameters DefaultParameters => new(Manifest.Defaults.LshProbes, Manifest.Defaults.NProbe);

    /// <summary>
    /// Opens the generation the manifest names. With <paramref name="verify"/> every section checksum is checked
    /// (one read of each file); without it only headers, sizes and offset tables are.
    /// </summary>
    public static VectorIndex Open(string directory, bool verify = true)
    {
        IndexManifest manifest = ManifestStore.Read(directory);
        var buckets = new BucketIndex?[LshHasher.BucketCount];
        try
        {
            foreach (BucketManifest entry in manifest.Buckets)
            {
                buckets[entry.Bucket] = entry.Count > 0 ? BucketIndex.Open(directory, entry, manifest.Dimensions, verify) : null;
            }
        }
        catch
        {
            foreach (BucketIndex? bucket in buckets)
            {
                bucket?.Dispose();
            }

            throw;
        }

        return new VectorIndex(directory, manifest, buckets);
    }

    /// <summary>The bucket's index, or null when the bucket holds no vectors.</summary>
    public BucketIndex? Bucket(int bucket) => _buckets[bucket];

    /// <summary>The top <paramref name="k"/> neighbours of one query, by descending cosine.</summary>
    public Neighbor[] Search(ReadOnlySpan<float> query, int k, SearchParameters? parameters = null)
    {
        // SearchBatch only checks for whole rows: a query of 2d values would pass as two queries.
        if (query.Length != Dimensions)
        {
            throw new InvalidVectorException($"query has {query.Length} dimensions; the index has {Dimensions}.");
        }

        return SearchBatch(query, k, parameters, threads: 1)[0];
    }

    /// <summary>
    /// The top <paramref name="k"/> of each row of <paramref name="queries"/> (row-major). Queries are split over
    /// <paramref name="threads"/> workers (0: every core); each worker answers its share bucket by bucket and
    /// cluster by cluster.
    /// </summary>
    public Neighbor[][] SearchBatch(ReadOnlySpan<float> queries, int k, SearchParameters? parameters = null, int threads = 0) =>
        SearchBatch(queries, k, parameters, threads, stats: null);

    /// <summary>As <see cref="SearchBatch(ReadOnlySpan{float}, int, SearchParameters?, int)"/>, adding what the scan read to <paramref name="stats"/>.</summary>
    public Neighbor[][] SearchBatch(ReadOnlySpan<float> queries, int k, SearchParameters? parameters, int threads, SearchStats? stats)
    {
        SearchParameters p = parameters ?? DefaultParameters;
        p.Validate(LshHasher.BucketCount);
        ValidateK(k);
        float[] unit = PrepareQueries(queries, Dimensions);
        int n = unit.Length / Dimensions;
        var probeOrders = new int[n * LshHasher.BucketCount];
        for (int q = 0; q < n; q++)
        {
            Hasher.ProbeOrder(unit.AsSpan(q * Dimensions, Dimensions), probeOrders.AsSpan(q * LshHasher.BucketCount, LshHasher.BucketCount));
        }

        var results = new Neighbor[n][];
        int workers = Math.Max(1, Math.Min(threads > 0 ? threads : Environment.ProcessorCount, n));
        int chunkSize = (n + workers - 1) / workers;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            int first = worker * chunkSize;
            int end = Math.Min(n, first + chunkSize);
            if (first < end)
            {
                SearchScratch scratch = _scratch.Rent();
                try
                {
                    SearchChunk(unit, probeOrders, first, end, k, p, results, stats, scratch);
                }
                finally
                {
                    _scratch.Return(scratch);
                }
            }
        });
        return results;
    }

    private void SearchChunk(float[] unit, int[] probeOrders, int first, int end, int k, SearchParameters p, Neighbor[][] results, SearchStats? stats, SearchScratch scratch)
    {
        scratch.Counters = default;
        var heaps = new TopK[unit.Length / Dimensions];

        // A pass plans and scans a bounded number of (query, cluster) pairs, so the plan, the pairs and their
        // sort stay a few MB however large the batch or the budget; it still holds enough queries to fill the
        // blocked scan's lanes at every cluster.
        int passQueries = Planner.QueriesPerPass(p, PairsPerPass);
        for (int from = first; from < end; from += passQueries)
        {
            int to = Math.Min(end, from + passQueries);
            SearchPass(unit, probeOrders, from, to, k, p, heaps, results, scratch);
        }

        stats?.Add(end - first, scratch.Counters);
    }

    /// <summary>
    /// How many (query, cluster) pairs one pass of a worker plans and scans at most: 2^19, about 6 MB of pair
    /// arrays (at 8 × 200 clusters, 327 queries a pass: still over a hundred per cluster of a 1M index). Tests lower it.
    /// </summary>
    internal int PairsPerPass { get; set; } = 1 << 19;

    private void SearchPass(float[] unit, int[] probeOrders, int first, int end, int k, SearchParameters p, TopK[] heaps, Neighbor[][] results, SearchScratch scratch)
    {
        for (int q = first; q < end; q++)
        {
            heaps[q] = new TopK(k);
        }

        if (p.Budget == ProbeBudget.Shared)
        {
            int[] queries = [.. Enumerable.Range(first, end - first)];
            ProbePlan plan = Planner.Plan(unit, Dimensions, queries, probeOrders, p.LshProbes, p.NProbe, scratch);
            for (int b = 0; b < LshHasher.BucketCount; b++)
            {
                if (_buckets[b] is { } bucket && plan.QueryCount(b) > 0)
                {
                    bucket.SearchAssigned(unit, plan.Queries(b), plan.Offsets(b), plan.Clusters(b), heaps, scratch, excluded: null, p.Rerank);
                }
            }
        }
        else
        {
            SearchPerBucket(unit, probeOrders, first, end, p, heaps, scratch);
        }

        for (int q = first; q < end; q++)
        {
            TopK heap = heaps[q];
            if (heap.Count < k && heap.Count < Count)
            {
                // Too few vectors under the probes: keep scanning, best clusters and buckets first, until k are found.
                heap.Reset();
                ReadOnlySpan<int> order = probeOrders.AsSpan(q * LshHasher.BucketCount, LshHasher.BucketCount);
                for (int i = 0; i < order.Length && (i < p.LshProbes || heap.Count < k); i++)
                {
                    _buckets[order[i]]?.SearchUntilFull(unit.AsSpan(q * Dimensions, Dimensions), i < p.LshProbes ? p.NProbe : 0, keepGoing: true, heap, scratch);
                }
            }

            results[q] = heap.ToSortedArray();
            heaps[q] = null!;
        }
    }

    /// <summary>The best nprobe clusters of each probed bucket, bucket by bucket (<see cref="ProbeBudget.PerBucket"/>).</summary>
    private void SearchPerBucket(float[] unit, int[] probeOrders, int first, int end, SearchParameters p, TopK[] heaps, SearchScratch scratch)
    {
        var members = new int[end - first];
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            BucketIndex? bucket = _buckets[b];
            if (bucket is null)
            {
                continue;
            }

            int count = 0;
            for (int q = first; q < end; q++)
            {
                if (probeOrders.AsSpan(q * LshHasher.BucketCount, p.LshProbes).Contains(b))
                {
                    members[count++] = q;
                }
            }

            if (count > 0)
            {
                bucket.SearchBatch(unit, members.AsSpan(0, count), p.NProbe, heaps, scratch, excluded: null, p.Rerank);
            }
        }
    }

    private void ValidateK(int k)
    {
        if (k < 1 || k > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and the index's {Count} vectors, got {k}.");
        }
    }

    /// <summary>Checks shape and values of a query batch and returns a normalised copy.</summary>
    internal static float[] PrepareQueries(ReadOnlySpan<float> queries, int dimensions)
    {
        if (queries.Length == 0 || queries.Length % dimensions != 0)
        {
            throw new InvalidVectorException($"queries hold {queries.Length} values, not whole {dimensions}-dimensional rows (the index has {dimensions} dimensions).");
        }

        float[] unit = queries.ToArray();
        VectorMath.NormalizeRows(unit, dimensions, 0, "query");
        return unit;
    }

    public void Dispose()
    {
        _scratch.Dispose();
        foreach (BucketIndex? bucket in _buckets)
        {
            bucket?.Dispose();
        }
    }
}
