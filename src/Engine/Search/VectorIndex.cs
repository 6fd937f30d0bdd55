using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// One generation of an index, opened for search: the LSH hasher and the eight buckets' mapped files. A build
/// that switches the directory to a newer generation does not disturb an open instance: it keeps serving the
/// generation it opened until disposed. Searches are thread-safe; <see cref="Dispose"/> must follow the last one.
/// </summary>
public sealed partial class VectorIndex : IDisposable
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
        Flow = new SearchFlow(Hasher, new SharedProbePlanner([.. buckets.Select(b => b?.Quantizer)]));
    }

    public string Directory { get; }

    public IndexManifest Manifest { get; }

    public LshHasher Hasher { get; }

    /// <summary>Chooses the clusters of a <see cref="ProbeBudget.Shared"/> search across buckets.</summary>
    public SharedProbePlanner Planner => Flow.Planner;

    /// <summary>The search path this index runs, with its local executor; the cluster's coordinator runs the same one.</summary>
    public SearchFlow Flow { get; }

    /// <summary>The workers' scratch buffers, kept between batches and let go of when the index idles.</summary>
    internal ScratchPool Scratches => _scratch;

    /// <summary>Whether the index has SQ8 codes (every non-empty bucket has them, or none does).</summary>
    public bool IsQuantized => _buckets.Any(b => b?.IsQuantized == true);

    public int Dimensions => Manifest.Dimensions;

    /// <summary>The data fields every row carries; null for an index of vectors only.</summary>
    public FieldSchema? Schema => Manifest.Schema;

    public long Count => Manifest.Count;

    public long Generation => Manifest.Generation;

    /// <summary>The index's default probes, as recorded in its manifest.</summary>
    public SearchParameters DefaultParameters => new(Manifest.Defaults.LshProbes, Manifest.Defaults.NProbe);

    /// <summary>
    /// Opens the generation the manifest names. With <paramref name="verify"/> every section checksum is checked
    /// (one read of each file); without it only headers, sizes and offset tables are. A generation whose buckets are split into
    /// shards is refused (<see cref="NotSupportedException"/>): a cluster serves it.
    /// </summary>
    public static VectorIndex Open(string directory, bool verify = true)
    {
        IndexManifest manifest = ManifestStore.Read(directory);
        if (manifest.Buckets.FirstOrDefault(b => b.ShardCount > 1) is { } sharded)
        {
            throw new NotSupportedException($"generation {manifest.Generation} in '{directory}' splits bucket {sharded.Bucket} into "
                + $"{sharded.ShardCount} shards, which only a cluster serves (each shard is its own grain); this engine opens unsharded "
                + "generations. Build with one shard per bucket to search it in process.");
        }

        var buckets = new BucketIndex?[LshHasher.BucketCount];
        try
        {
            foreach (BucketManifest entry in manifest.Buckets)
            {
                buckets[entry.Bucket] = entry.Count > 0 ? BucketIndex.Open(directory, entry, manifest.Dimensions, verify, manifest.Schema) : null;
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

    /// <summary>As <see cref="SearchBatch(ReadOnlySpan{float}, int, SearchParameters?, int)"/>, adding what the scan read to
    /// <paramref name="stats"/>.</summary>
    public Neighbor[][] SearchBatch(ReadOnlySpan<float> queries, int k, SearchParameters? parameters, int threads, SearchStats? stats)
    {
        SearchParameters p = parameters ?? DefaultParameters;
        PreparedQueries batch = Flow.Prepare(queries, k, Count, p, $"the index ({Count} vectors)");
        var results = new Neighbor[batch.Count][];
        RunWorkers(batch.Count, threads, stats, (first, end, scratch) => RunFlow(batch, first, end, k, p, scratch, results, filter: null));
        return results;
    }

    /// <summary>Rows <paramref name="first"/>..<paramref name="end"/> through the search flow with this index's executor.</summary>
    private void RunFlow(
        PreparedQueries batch, int first, int end, int k, SearchParameters p, SearchScratch scratch, Neighbor[][] results, FilterPlan? filter)
    {
        // The local executor never yields: the flow completes on this worker's thread.
        Flow.SearchAsync(
            batch,
            first,
            end,
            k,
            p,
            Count,
            new LocalSearchExecutor(_buckets, scratch),
            scratch,
            results,
            PairsPerPass,
            CancellationToken.None,
            filter)
            .AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Splits <paramref name="n"/> queries over the workers, each with a scratch rented for its share.</summary>
    private void RunWorkers(int n, int threads, SearchStats? stats, Action<int, int, SearchScratch> work)
    {
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
                    scratch.Counters = default;
                    work(first, end, scratch);
                    stats?.Add(end - first, scratch.Counters);
                }
                finally
                {
                    _scratch.Return(scratch);
                }
            }
        });
    }

    /// <summary>How many (query, cluster) pairs one pass of a worker plans and scans at most (<see
    /// cref="SearchFlow.DefaultPairsPerPass"/>). Tests lower it.</summary>
    internal long PairsPerPass { get; set; } = SearchFlow.DefaultPairsPerPass;

    /// <summary>Checks shape and values of a query batch and returns a normalised copy.</summary>
    internal static float[] PrepareQueries(ReadOnlySpan<float> queries, int dimensions)
    {
        if (queries.Length == 0 || queries.Length % dimensions != 0)
        {
            throw new InvalidVectorException($"queries hold {queries.Length} values, not whole {dimensions}-dimensional rows (the index has "
                + $"{dimensions} dimensions).");
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
