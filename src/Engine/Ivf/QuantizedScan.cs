using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Search.Blocked;

namespace HyperdOrleans.Engine.Ivf;

/// <summary>
/// The SQ8 scan of one bucket for a batch of queries. Per cluster, its codes become a float tile once
/// (dimension-major, d rows of R); the queries probing the cluster then score all R rows as
/// bias + Σ_j weight_j · tile_j — in register blocks of queries when enough of them probe it (<see cref="BlockedScan"/>),
/// else one query at a time as d multiply-adds over rows of R (the <see cref="CentroidScorer"/> shape) — each keeping
/// its best k × rerank as file-row positions. <see cref="Rerank"/> re-scores those exactly from the
/// float32 rows into the caller's heaps, so returned scores are exact. Not thread-safe: one per <see cref="SearchScratch"/>.
/// </summary>
internal sealed class QuantizedScan
{
    // Candidate heaps by slot (a query's place in the call's list), so they number the call's queries, not the batch's.
    private TopK?[] _candidates = [];
    private int[] _slotOf = [];
    private float[] _tile = [];
    private float[] _scores = [];
    private float[] _weights = [];
    private float[] _biases = [];
    private long[] _rowNumbers = [];
    private readonly QueryBlock _block = new();

    /// <summary>Rows per block: a 70-dim tile of 256 rows is 70 KB, in L2 beside the scores and the codes.</summary>
    private const int BlockRows = 256;

    /// <summary>Empties (or sizes) each query's candidate heap: k × <paramref name="rerank"/> for that query's k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public QuantizedScan Begin(ReadOnlySpan<int> queryIndexes, TopK[] heaps, int rerank)
    {
        if (_candidates.Length < queryIndexes.Length)
        {
            Array.Resize(ref _candidates, Math.Max(queryIndexes.Length, _candidates.Length * 2));
        }

        for (int slot = 0; slot < queryIndexes.Length; slot++)
        {
            int q = queryIndexes[slot];
            if (q >= _slotOf.Length)
            {
                Array.Resize(ref _slotOf, Math.Max(q + 1, _slotOf.Length * 2));
            }

            _slotOf[q] = slot;
            int size = (int)Math.Min((long)heaps[q].K * rerank, int.MaxValue);
            if (_candidates[slot] is { } heap && heap.K == size)
            {
                heap.Reset();
            }
            else
            {
                _candidates[slot] = new TopK(size);
            }
        }

        return this;
    }

    /// <summary>
    /// Scores <paramref name="cluster"/> by code for each query of <paramref name="queries"/>. A large cluster is
    /// taken in blocks of <see cref="BlockRows"/> rows, so its float tile (d × block) stays in L2 while every query
    /// of the batch scores it: without blocking, a 20M-row index's clusters (2,500 rows: a 700 KB tile) would be
    /// streamed from memory once per query, giving back the bytes SQ8 saves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScanCluster(
        QuantizedLists codes,
        InvertedLists lists,
        int cluster,
        ReadOnlySpan<float> unitQueries,
        ReadOnlySpan<int> queries,
        Predicate<long>? excluded,
        RowBitmap? matches)
    {
        int d = lists.Dimensions;
        int rows = lists.ListSize(cluster);
        if (rows == 0)
        {
            return;
        }

        ReadOnlySpan<byte> clusterCodes = codes.Codes(cluster, d);
        ReadOnlySpan<long> ids = lists.Ids(cluster);
        long first = lists.FirstRow(cluster);
        ScalarQuantizer quantizer = codes.Quantizer;

        // Each query's weights (q ⊙ step) and bias (q · min), once per cluster rather than once per block.
        Span<float> weights = Grow(ref _weights, queries.Length * d);
        Span<float> biases = Grow(ref _biases, queries.Length);
        for (int i = 0; i < queries.Length; i++)
        {
            biases[i] = quantizer.PrepareQuery(unitQueries.Slice(queries[i] * d, d), weights.Slice(i * d, d));
        }

        int block = Math.Min(rows, BlockRows);
        Span<float> tile = Grow(ref _tile, block * d);
        Span<float> scores = Grow(ref _scores, block);
        for (int r0 = 0; r0 < rows; r0 += block)
        {
            int n = Math.Min(block, rows - r0);
            for (int j = 0; j < d; j++)
            {
                TensorPrimitives.ConvertTruncating<byte, float>(clusterCodes.Slice((j * rows) + r0, n), tile.Slice(j * n, n));
            }

            // Enough queries on this cluster: blocks of them score the tile together (each code read once per block).
            int next = 0;
            if (BlockedScan.BlockLanes(queries.Length, MinBlockQueries, minLanes: 8) > 0)
            {
                Span<long> rowNumbers = Grow(ref _rowNumbers, n);
                for (int r = 0; r < n; r++)
                {
                    rowNumbers[r] = first + r0 + r;
                }

                while (BlockedScan.BlockLanes(queries.Length - next, MinBlockQueries, minLanes: 8) is int lanes and > 0)
                {
                    int take = Math.Min(lanes, queries.Length - next);
                    _block.Begin(lanes, d, exactScores: false);
                    for (int i = next; i < next + take; i++)
                    {
                        _block.Add(weights.Slice(i * d, d), _candidates[_slotOf[queries[i]]]!, biases[i]);
                    }

                    if (excluded is null && matches is null)
                    {
                        BlockedScan.RunColumns(tile[..(n * d)], rowNumbers, d, _block, default(AllRows));
                    }
                    else
                    {
                        BlockedScan.RunColumns(tile[..(n * d)], rowNumbers, d, _block, new ExceptExcludedRows(excluded, lists, matches));
                    }

                    next += take;
                }
            }

            for (int i = next; i < queries.Length; i++)
            {
                ReadOnlySpan<float> w = weights.Slice(i * d, d);
                Span<float> s = scores[..n];
                TensorPrimitives.Multiply(tile[..n], w[0], s);
                for (int j = 1; j < d; j++)
                {
                    TensorPrimitives.MultiplyAdd(tile.Slice(j * n, n), w[j], s, s);
                }

                // Compare before adding the bias: one subtraction per heap change instead of one add per row.
                TopK heap = _candidates[_slotOf[queries[i]]]!;
                float bias = biases[i];
                float threshold = heap.Threshold - bias;
                for (int r = 0; r < n; r++)
                {
                    if (s[r] > threshold && (excluded is null || !excluded(ids[r0 + r])) && (matches is null || matches.Get(first + r0 + r)))
                    {
                        heap.Add(first + r0 + r, s[r] + bias);
                        threshold = heap.Threshold - bias;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Queries on one cluster from which the blocked scan of the tile beats one pass of d multiply-adds over it per
    /// query: a pass costs about 70 / 16 vector operations per row, the block about 70 / 8 per row for up to 8 or
    /// 16 queries at once, so the block needs at least half a register of queries to win.
    /// </summary>
    private const int MinBlockQueries = 6;

    /// <summary>Re-scores each query's candidates from their float32 rows into <paramref name="heaps"/>; empties the candidates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Rerank(
        InvertedLists lists,
        ReadOnlySpan<float> unitQueries,
        ReadOnlySpan<int> queryIndexes,
        TopK[] heaps,
        ref SearchCounters counters)
    {
        int d = lists.Dimensions;
        foreach (int q in queryIndexes)
        {
            TopK candidates = _candidates[_slotOf[q]]!;
            TopK heap = heaps[q];
            ReadOnlySpan<float> query = unitQueries.Slice(q * d, d);
            foreach (long row in candidates.Ids)
            {
                float score = TensorPrimitives.Dot(lists.Row(row), query);
                if (score > heap.Threshold)
                {
                    heap.Add(lists.Id(row), score);
                }
            }

            counters.Reranked(candidates.Count, d * sizeof(float));
            candidates.Reset();
        }
    }

    /// <summary>What the scan's buffers and candidate heaps hold (part of <see cref="SearchScratch.Bytes"/>).</summary>
    public long Bytes
    {
        get
        {
            long bytes = ((long)_slotOf.Length * sizeof(int)) + ((long)_candidates.Length * IntPtr.Size)
                + (((long)_tile.Length + _scores.Length + _weights.Length + _biases.Length) * sizeof(float))
                + ((long)_rowNumbers.Length * sizeof(long));
            foreach (TopK? heap in _candidates)
            {
                bytes += heap?.Bytes ?? 0;
            }

            return bytes;
        }
    }

    private static Span<T> Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }

        return buffer.AsSpan(0, length);
    }
}
