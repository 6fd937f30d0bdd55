using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Search.Blocked;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Ivf;

/// <summary>
/// One LSH bucket's IVF-Flat index: its coarse quantizer (centroids, in memory: k × d) and its inverted lists
/// (memory-mapped). Thread-safe for searches; each caller brings its own heaps and <see cref="SearchScratch"/>.
/// </summary>
public sealed class BucketIndex : IDisposable
{
    private readonly CentroidScorer _quantizer;
    private readonly InvertedLists _lists;
    private readonly QuantizedLists? _codes;

    private BucketIndex(int bucket, CentroidScorer quantizer, InvertedLists lists, QuantizedLists? codes, BucketFields? fields)
    {
        Bucket = bucket;
        _quantizer = quantizer;
        _lists = lists;
        _codes = codes;
        Fields = fields;
    }

    /// <summary>The rows' data fields, in the lists' row order; null when the index has none (or they were not opened).</summary>
    public BucketFields? Fields { get; }

    /// <summary>Whether searches scan 8-bit codes (and re-rank from the float32 rows) instead of the float32 rows.</summary>
    public bool IsQuantized => _codes is not null;

    public int Bucket { get; }

    public long Count => _lists.Count;

    public int Clusters => _quantizer.Count;

    public int Dimensions => _quantizer.Dimensions;

    /// <summary>The bucket's centroids, for ranking them together with other buckets' (<see cref="SharedProbePlanner"/>).</summary>
    public CentroidScorer Quantizer => _quantizer;

    /// <summary>
    /// Opens a bucket's files from <paramref name="indexDirectory"/>, checking them against the manifest's checksums. Its fields
    /// file is opened only with the index's <paramref name="schema"/>. Of a bucket split into shards it opens one
    /// (<paramref name="shard"/>): its clusters, numbered from 0, with the bucket's whole centroid table in <see cref="AllCentroids"/>.
    /// </summary>
    public static BucketIndex Open(
        string indexDirectory, BucketManifest entry, int dimensions, bool verify, FieldSchema? schema = null, int shard = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, entry.ShardCount);
        string centroidsPath = Path.Combine(indexDirectory, entry.CentroidsFile!);
        float[] centroids = CentroidsFile.Read(centroidsPath, dimensions, verify, out ulong centroidsChecksum);
        ExpectChecksum(centroidsPath, entry.CentroidsChecksum, centroidsChecksum);
        int clusters = centroids.Length / dimensions;
        if (clusters != entry.Clusters)
        {
            throw new IndexFormatException(
                centroidsPath,
                $"holds {clusters} centroids; the manifest says bucket {entry.Bucket} has {entry.Clusters}.");
        }

        ShardManifest part = entry.Shards is { } shards
            ? shards[shard]
            : new ShardManifest(0, clusters, entry.Count, entry.ListsFile!, entry.ListsChecksum!, entry.CodesFile, entry.CodesChecksum,
                entry.FieldsFile, entry.FieldsChecksum);
        string what = entry.Shards is null ? $"bucket {entry.Bucket}" : $"shard {shard} of bucket {entry.Bucket}";
        string listsPath = Path.Combine(indexDirectory, part.ListsFile);
        InvertedLists lists = InvertedLists.Open(listsPath, dimensions, part.Clusters, verify);
        try
        {
            ExpectChecksum(listsPath, part.ListsChecksum, lists.HeaderChecksum);
            if (lists.Count != part.Count)
            {
                throw new IndexFormatException(listsPath, $"holds {lists.Count} vectors; the manifest says {what} has {part.Count}.");
            }

            QuantizedLists? codes = null;
            BucketFields? fields = null;
            try
            {
                if (part.CodesFile is not null)
                {
                    string codesPath = Path.Combine(indexDirectory, part.CodesFile);
                    codes = QuantizedLists.Open(codesPath, lists, verify);
                    ExpectChecksum(codesPath, part.CodesChecksum, codes.HeaderChecksum);
                }

                if (part.FieldsFile is not null && schema is not null)
                {
                    string fieldsPath = Path.Combine(indexDirectory, part.FieldsFile);
                    fields = BucketFields.Open(fieldsPath, schema, lists, verify);
                    ExpectChecksum(fieldsPath, part.FieldsChecksum, fields.HeaderChecksum);
                }
            }
            catch
            {
                codes?.Dispose();
                fields?.Dispose();
                throw;
            }

            var own = new CentroidScorer(centroids.AsSpan(part.FirstCluster * dimensions, part.Clusters * dimensions), dimensions);
            return new BucketIndex(entry.Bucket, own, lists, codes, fields) { AllCentroids = centroids, FirstCluster = part.FirstCluster };
        }
        catch
        {
            lists.Dispose();
            throw;
        }
    }

    /// <summary>Every centroid of the bucket (row-major), this shard's and the others': what a coordinator plans with.</summary>
    public ReadOnlyMemory<float> AllCentroids { get; private init; }

    /// <summary>The bucket's number of this shard's cluster 0 (0 when the bucket is not split).</summary>
    public int FirstCluster { get; private init; }

    /// <summary>
    /// Scans clusters chosen by the caller (<see cref="SharedProbePlanner"/>, maybe on another machine): query
    /// <c>queryIndexes[i]</c> scans <c>clusters[offsets[i] .. offsets[i + 1]]</c>, distinct cluster numbers of this
    /// bucket. Work is grouped cluster by cluster: the queries that probe a cluster score it together
    /// through <see cref="BlockedScan"/> (its rows read once per block of queries). Ids <paramref name="excluded"/> says
    /// are gone (deleted or replaced since the files were written) are skipped; the predicate is asked only about rows
    /// that would enter a heap, so a small delete set costs almost nothing. An SQ8 bucket keeps k × <paramref name="rerank"/>
    /// candidates per query by code and re-scores them exactly. With <paramref name="matches"/> (a filter's rows, null for
    /// every row) a cluster it keeps no row of is skipped, and one it keeps some rows of has them gathered and scanned as a
    /// shorter list.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SearchAssigned(
        ReadOnlySpan<float> unitQueries,
        ReadOnlySpan<int> queryIndexes,
        ReadOnlySpan<int> offsets,
        ReadOnlySpan<int> clusters,
        TopK[] heaps,
        SearchScratch scratch,
        Predicate<long>? excluded,
        int rerank = SearchParameters.DefaultRerank,
        RowMatches? matches = null)
    {
        if (offsets.Length != queryIndexes.Length + 1 || offsets[0] != 0 || offsets[^1] != clusters.Length)
        {
            throw new ArgumentException(
                $"offsets must hold {queryIndexes.Length + 1} row starts from 0 to {clusters.Length}, got {offsets.Length} values.",
                nameof(offsets));
        }

        int[] pairCluster = scratch.Rent(ref scratch.PairClusters, clusters.Length);
        int[] pairQuery = scratch.Rent(ref scratch.PairQueries, clusters.Length);
        int[] clusterCount = scratch.Rent(ref scratch.ClusterCounts, Clusters + 1);
        Array.Clear(clusterCount, 0, Clusters + 1);
        int p = 0;
        for (int i = 0; i < queryIndexes.Length; i++)
        {
            if (offsets[i + 1] < offsets[i])
            {
                throw new ArgumentException($"offsets must not decrease (row {i}: {offsets[i]} then {offsets[i + 1]}).", nameof(offsets));
            }

            foreach (int cluster in clusters[offsets[i]..offsets[i + 1]])
            {
                if ((uint)cluster >= (uint)Clusters)
                {
                    throw new ArgumentOutOfRangeException(nameof(clusters), cluster, $"bucket {Bucket} has clusters 0 to {Clusters - 1}.");
                }

                pairCluster[p] = cluster;
                pairQuery[p++] = queryIndexes[i];
                clusterCount[cluster + 1]++;
            }
        }

        ScanPairs(unitQueries, queryIndexes, pairCluster, pairQuery, clusterCount, p, heaps, scratch, excluded, rerank, matches);
    }

    /// <summary>
    /// Scans <paramref name="pairs"/> (cluster, query) pairs cluster by cluster; <paramref name="clusterCount"/>[c + 1]
    /// holds how many pairs name cluster c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanPairs(
        ReadOnlySpan<float> unitQueries,
        ReadOnlySpan<int> queryIndexes,
        int[] pairCluster,
        int[] pairQuery,
        int[] clusterCount,
        int pairs,
        TopK[] heaps,
        SearchScratch scratch,
        Predicate<long>? excluded,
        int rerank,
        RowMatches? matches)
    {
        int d = Dimensions;
        int p = pairs;

        // Counting sort of (cluster, query) pairs by cluster.
        for (int c = 0; c < Clusters; c++)
        {
            clusterCount[c + 1] += clusterCount[c];
        }

        int[] byCluster = scratch.Rent(ref scratch.SortedQueries, p);
        for (int i = 0; i < p; i++)
        {
            byCluster[clusterCount[pairCluster[i]]++] = pairQuery[i];
        }

        // SQ8: candidates by code per cluster, re-ranked exactly after the last cluster.
        QuantizedScan? sq8 = _codes is null ? null : scratch.BeginQuantized(queryIndexes, heaps, rerank);

        // clusterCount[c] now holds the end of cluster c's run.
        int start = 0;
        for (int c = 0; c < Clusters; c++)
        {
            int end = clusterCount[c];
            if (end > start && matches is not null && matches.ClusterCounts[c] < _lists.ListSize(c))
            {
                // A filter keeps only some of the cluster's rows: the rest never reach a dot product.
                if (sq8 is not null)
                {
                    sq8.ScanCluster(_codes!, _lists, c, unitQueries, byCluster.AsSpan(start, end - start), excluded, matches.Rows);
                }
                else if (matches.ClusterCounts[c] > 0)
                {
                    ScanMatched(c, matches, unitQueries, byCluster.AsSpan(start, end - start), heaps, scratch, excluded);
                }

                start = end;
                continue;
            }

            if (end > start)
            {
                // A cluster scored for a block of queries takes long enough to hide the next one's fetch; behind one
                // query's short scan, line-by-line requests queue for the same fill slots as its loads (1.5× slower at
                // 1M), so it only asks for one line per page: the page walks and the streams' first lines.
                if (_codes is null && NextProbed(clusterCount, c, end) is int following and >= 0)
                {
                    if (end - start >= MinClusterBlockQueries)
                    {
                        _lists.Prefetch(following, PrefetchBytes);
                    }
                    else
                    {
                        _lists.PrefetchPages(following);
                    }
                }

                scratch.Counters.Scanned((long)_lists.ListSize(c) * (end - start), _codes is null ? d * sizeof(float) : d);
            }

            if (end > start && sq8 is not null)
            {
                sq8.ScanCluster(_codes!, _lists, c, unitQueries, byCluster.AsSpan(start, end - start), excluded, matches: null);
            }
            else if (end > start && excluded is null)
            {
                ScanRows(_lists.Vectors(c), _lists.Ids(c), unitQueries, byCluster.AsSpan(start, end - start), heaps, scratch, default(AllRows));
            }
            else if (end > start)
            {
                ScanRows(
                    _lists.Vectors(c),
                    _lists.Ids(c),
                    unitQueries,
                    byCluster.AsSpan(start, end - start),
                    heaps,
                    scratch,
                    new ExceptExcluded(excluded!));
            }

            start = end;
        }

        sq8?.Rerank(_lists, unitQueries, queryIndexes, heaps, ref scratch.Counters);
    }

    /// <summary>
    /// Gathers the rows of cluster <paramref name="cluster"/> that <paramref name="matches"/> keeps into the scratch, in
    /// order, and scans them for <paramref name="queries"/> as one shorter list.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanMatched(
        int cluster,
        RowMatches matches,
        ReadOnlySpan<float> unitQueries,
        ReadOnlySpan<int> queries,
        TopK[] heaps,
        SearchScratch scratch,
        Predicate<long>? excluded)
    {
        long first = _lists.FirstRow(cluster);
        int count = matches.ClusterCounts[cluster];
        (float[] rows, long[] ids) = Gather(matches.Rows, first, first + _lists.ListSize(cluster), count, scratch);
        scratch.Counters.Scanned((long)count * queries.Length, Dimensions * sizeof(float));
        ScanGathered(rows, ids, count, unitQueries, queries, heaps, scratch, excluded);
    }

    /// <summary>
    /// Every row of the bucket that <paramref name="matches"/> keeps, scanned exactly for <paramref name="queries"/>: the
    /// plan for a filter so selective that probing clusters would read more than it keeps. Rows are gathered a chunk at a
    /// time (a bounded buffer however many match), and each chunk is scored by blocks of queries like a cluster.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScanMatchedExactly(
        RowMatches matches,
        ReadOnlySpan<float> unitQueries,
        ReadOnlySpan<int> queries,
        TopK[] heaps,
        SearchScratch scratch,
        Predicate<long>? excluded = null)
    {
        long start = 0;
        while (start < Count)
        {
            // A chunk ends where the matched rows fill the buffer, counted word by word from the bitmap.
            long end = start;
            int count = 0;
            while (end < Count && count < ExactChunkRows)
            {
                long next = Math.Min(Count, ((end >> 6) + 1) << 6);
                count += matches.Rows.CountRange(end, next);
                end = next;
            }

            if (count > 0)
            {
                (float[] rows, long[] ids) = Gather(matches.Rows, start, end, count, scratch);
                scratch.Counters.Scanned((long)count * queries.Length, Dimensions * sizeof(float));
                ScanGathered(rows, ids, count, unitQueries, queries, heaps, scratch, excluded);
            }

            start = end;
        }
    }

    /// <summary>Matched rows gathered at once by the exact plan: 4,096 rows of 100 floats is 1.6 MB, in L2 or L3 for every query block.</summary>
    private const int ExactChunkRows = 4096;

    private void ScanGathered(
        float[] rows,
        long[] ids,
        int count,
        ReadOnlySpan<float> unitQueries,
        ReadOnlySpan<int> queries,
        TopK[] heaps,
        SearchScratch scratch,
        Predicate<long>? excluded)
    {
        ReadOnlySpan<float> vectors = rows.AsSpan(0, count * Dimensions);
        ReadOnlySpan<long> gatheredIds = ids.AsSpan(0, count);
        if (excluded is null)
        {
            ScanRows(vectors, gatheredIds, unitQueries, queries, heaps, scratch, default(AllRows));
        }
        else
        {
            ScanRows(vectors, gatheredIds, unitQueries, queries, heaps, scratch, new ExceptExcluded(excluded));
        }
    }

    /// <summary>Copies the vectors and ids of the <paramref name="count"/> rows set in [start, end) into the scratch's gather buffers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (float[] Rows, long[] Ids) Gather(RowBitmap bitmap, long start, long end, int count, SearchScratch scratch)
    {
        int d = Dimensions;
        int[] positions = scratch.Rent(ref scratch.GatherPositions, count);
        float[] rows = scratch.Rent(ref scratch.GatherRows, count * d);
        long[] ids = scratch.Rent(ref scratch.GatherIds, count);
        int found = bitmap.Positions(start, end, positions);
        for (int i = 0; i < found; i++)
        {
            long row = start + positions[i];
            _lists.Row(row).CopyTo(rows.AsSpan(i * d, d));
            ids[i] = _lists.Id(row);
        }

        return (rows, ids);
    }

    /// <summary>
    /// Scores a list of rows (a cluster's, or a filter's gathered matches) for the queries that probe it: groups of at least
    /// <see cref="MinClusterBlockQueries"/> through the blocked scan (each row read once per block of queries),
    /// the few left one query at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanRows<TFilter>(
        ReadOnlySpan<float> vectors,
        ReadOnlySpan<long> ids,
        ReadOnlySpan<float> unitQueries,
        ReadOnlySpan<int> queries,
        TopK[] heaps,
        SearchScratch scratch,
        TFilter filter)
        where TFilter : struct, IRowFilter
    {
        int d = Dimensions;
        int next = 0;
        while (BlockedScan.BlockLanes(queries.Length - next, MinClusterBlockQueries, minLanes: 4) is int lanes and > 0)
        {
            int take = Math.Min(lanes, queries.Length - next);
            QueryBlock block = scratch.Block;
            block.Begin(lanes, d, exactScores: true);
            foreach (int q in queries.Slice(next, take))
            {
                block.Add(unitQueries.Slice(q * d, d), heaps[q]);
            }

            BlockedScan.Run(vectors, ids, d, block, filter);
            next += take;
        }

        float[] rowScores = scratch.Rent(ref scratch.RowScores, ids.Length);
        foreach (int q in queries[next..])
        {
            ScanList(vectors, ids, unitQueries.Slice(q * d, d), heaps[q], d, rowScores, filter);
        }
    }

    /// <summary>
    /// Queries per cluster from which the blocked scan beats one <c>TensorPrimitives.Dot</c> per row and query:
    /// its cost per row is that of a full register of queries, however few lanes are used.
    /// </summary>
    private const int MinClusterBlockQueries = 3;

    /// <summary>
    /// Queries from which ranking centroids as a block beats one pass of d multiply-adds over all k centroids per
    /// query (which streams k scores through L1 d times, but wastes no lanes).
    /// </summary>
    internal const int MinCentroidBlockQueries = 6;

    /// <summary>How much of the next probed cluster is requested ahead: enough to hide the jump, little enough for L2.</summary>
    private const int PrefetchBytes = 64 * 1024;

    /// <summary>The first cluster after <paramref name="cluster"/> that some query of the batch probes, or -1.</summary>
    private int NextProbed(int[] runEnds, int cluster, int end)
    {
        for (int c = cluster + 1; c < Clusters; c++)
        {
            if (runEnds[c] > end)
            {
                return c;
            }
        }

        return -1;
    }

    /// <summary>
    /// One query over a list: every row is scored first, then only the rows that beat the heap are offered, so
    /// the dot-product loop stays free of heap branches and the filter compares whole SIMD vectors of scores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScanList<TFilter>(
        ReadOnlySpan<float> vectors,
        ReadOnlySpan<long> ids,
        ReadOnlySpan<float> query,
        TopK heap,
        int d,
        float[] rowScores,
        TFilter filter)
        where TFilter : struct, IRowFilter
    {
        ReadOnlySpan<float> scores = ScoreRows(vectors, query, d, rowScores.AsSpan(0, ids.Length));
        if (typeof(TFilter) == typeof(AllRows))
        {
            heap.AddRange(scores, ids);
            return;
        }

        float threshold = heap.Threshold;
        for (int r = 0; r < scores.Length; r++)
        {
            if (scores[r] > threshold && filter.Keeps(ids[r]))
            {
                heap.Add(ids[r], scores[r]);
                threshold = heap.Threshold;
            }
        }
    }

    /// <summary>The cosine of <paramref name="query"/> with each of the first scores.Length rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe Span<float> ScoreRows(ReadOnlySpan<float> vectors, ReadOnlySpan<float> query, int d, Span<float> scores)
    {
        fixed (float* rows = vectors)
        {
            var prefetch = new StreamPrefetch(rows, (long)scores.Length * d * sizeof(float));
            for (int r = 0, offset = 0; r < scores.Length; r++, offset += d)
            {
                prefetch.Ahead(rows + offset + d);
                scores[r] = TensorPrimitives.Dot(vectors.Slice(offset, d), query);
            }
        }

        return scores;
    }

    /// <summary>Every row of every cluster in file order, for a rebuild that reads a generation back.</summary>
    internal InvertedLists Lists => _lists;

    /// <summary>
    /// Adds to <paramref name="found"/> the field values of the rows whose ids are <paramref name="wanted"/> and not found yet:
    /// one pass over the bucket's ids (8 bytes a row), then a read of each row found. Nothing without a fields file.
    /// </summary>
    public void ReadFields(IReadOnlySet<long> wanted, IDictionary<long, object?[]> found)
    {
        if (Fields is not { } fields)
        {
            return;
        }

        for (long row = 0; row < _lists.Count && found.Count < wanted.Count; row++)
        {
            long id = _lists.Id(row);
            if (wanted.Contains(id))
            {
                found.TryAdd(id, fields.ReadRow(row));
            }
        }
    }

    /// <summary>The id of file row <paramref name="row"/> (0 ≤ row &lt; <see cref="Count"/>), for reads of stored rows by id or filter.</summary>
    public long RowId(long row) => _lists.Id(row);

    /// <summary>The stored unit vector of file row <paramref name="row"/> (float32 rows are kept with SQ8 codes too).</summary>
    public ReadOnlySpan<float> RowVector(long row) => _lists.Row(row);

    private static void ExpectChecksum(string path, string? expected, ulong actual)
    {
        if (expected is not null && expected != ManifestStore.FormatChecksum(actual))
        {
            throw new IndexFormatException(
                path,
                $"header checksum {ManifestStore.FormatChecksum(actual)} differs from the manifest's {expected}: the file was replaced or "
                    + $"corrupted.");
        }
    }

    public void Dispose()
    {
        Fields?.Dispose();
        _codes?.Dispose();
        _lists.Dispose();
    }
}
