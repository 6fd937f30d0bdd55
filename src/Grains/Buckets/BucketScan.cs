using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Grains.Fields;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// The synchronous part of a bucket search, run on the thread pool: the generation's clusters through the
/// engine (deleted and replaced ids filtered), then an exact scan of the live pending rows into the same heaps.
/// A filter is applied inside both scans: the engine scores only the matching rows of its files, and a pending row
/// that fails it is skipped before its dot products. Stateless; each call brings its own heaps and rents its scratch
/// buffers from the process's pool.
/// </summary>
internal static class BucketScan
{
    // One pool per process (a silo) for every bucket's requests: busy, it keeps its workers' buffers; idle, it lets go of them.
    private static readonly ScratchPool Scratch = new();

    public static (QueryResult[] Results, long Scanned) Run(ServingGeneration serving, PendingView pending, BucketSearchRequest request)
    {
        int d = request.Dimensions;
        int n = request.UnitQueries.Length / d;
        var heaps = new TopK[n];
        var members = new int[n];
        for (int q = 0; q < n; q++)
        {
            heaps[q] = new TopK(request.K);
            members[q] = q;
        }

        FieldSchema? schema = WireFields.ToSchema(request.Fields);
        Filter? filter = request.Filter is { } wire ? WireFields.ToFilter(wire) : null;
        long scanned = 0;
        long watermark = serving.Watermark;
        if (serving.Index is { } index)
        {
            Predicate<long>? hidden = pending.Latest.IsEmpty ? null : id => pending.Hides(id, watermark);
            RowMatches? matches = request.Filter is { } asked ? serving.Match(asked, () => Match(serving, filter!)) : null;
            SearchScratch scratch = Scratch.Rent();
            try
            {
                if (matches is not null && request.ExactMatches)
                {
                    index.ScanMatchedExactly(matches, request.UnitQueries, members, heaps, scratch, hidden);
                    scanned += (long)n * matches.Total;
                }
                else
                {
                    index.SearchAssigned(
                        request.UnitQueries, members, request.ClusterOffsets, request.Clusters, heaps, scratch, hidden, request.Rerank, matches);

                    // The engine does not count rows; clusters are k-means balanced, so this estimate is close.
                    scanned += index.Count * request.Clusters.Length / index.Clusters;
                }
            }
            finally
            {
                Scratch.Return(scratch);
            }
        }

        FilterRowEvaluator? rows = filter is null ? null : new FilterRowEvaluator(filter, schema!);
        foreach (PendingBatch batch in pending.Batches)
        {
            if (batch.Sequence > watermark && batch.UpsertIds.Length > 0)
            {
                ScanBatch(batch, pending, request.UnitQueries, d, heaps, rows, schema?.Count ?? 0);
                scanned += (long)n * batch.UpsertIds.Length;
            }
        }

        var results = new QueryResult[n];
        for (int q = 0; q < n; q++)
        {
            Engine.Neighbor[] hits = heaps[q].ToSortedArray();
            results[q] = new QueryResult([.. hits.Select(h => h.Id)], [.. hits.Select(h => h.Score)]);
        }

        return (request.IncludeFields ? HitFields.Attach(results, serving, pending, schema) : results, scanned);
    }

    /// <summary>The rows of the generation's files that <paramref name="filter"/> keeps; null when the bucket has no files.</summary>
    public static RowMatches? Match(ServingGeneration serving, Filter filter)
    {
        if (serving.Index is not { } index)
        {
            return null;
        }

        BucketFields fields = index.Fields ?? throw new InvalidOperationException(
            $"generation {serving.Generation} of the bucket has no fields file, so it cannot be filtered; rebuild the index.");
        return new RowMatches(CompiledFilter.Compile(filter, fields).Evaluate(), fields.ClusterStarts);
    }

    /// <summary>Row-outer, query-inner: each pending row is read once for the whole batch of queries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScanBatch(
        PendingBatch batch, PendingView pending, float[] queries, int d, TopK[] heaps, FilterRowEvaluator? filter, int fields)
    {
        ReadOnlySpan<float> rows = batch.UpsertUnitVectors;
        object?[]? missing = filter is not null && batch.UpsertFields is null ? new object?[fields] : null;
        for (int r = 0; r < batch.UpsertIds.Length; r++)
        {
            if (filter is not null && !filter.Matches(batch.UpsertFields?[r] ?? missing!))
            {
                continue;
            }

            ReadOnlySpan<float> row = rows.Slice(r * d, d);
            bool? live = null;
            for (int q = 0; q < heaps.Length; q++)
            {
                float score = TensorPrimitives.Dot(row, queries.AsSpan(q * d, d));
                if (score > heaps[q].Threshold && (live ??= pending.IsLive(batch.UpsertIds[r], batch.Sequence)))
                {
                    heaps[q].Add(batch.UpsertIds[r], score);
                }
            }
        }
    }
}
