using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HyperdOrleans.Engine.Search.Blocked;

/// <summary>
/// Scores the rows of one list against a whole <see cref="QueryBlock"/> at once: a small matrix product
/// (rows × d) · (d × lanes) kept in registers. Each coordinate of eight rows is broadcast and multiplied into one
/// register of every query's coordinate, so a row is read once for all the block's queries and its score never
/// leaves a register unless it beats that query's heap. TensorPrimitives has no matrix product, and
/// one <c>TensorPrimitives.Dot</c> per row and query costs several times more (README, "How the index works"), so this
/// is the one hand-written SIMD loop of the engine. Every score it returns is a <c>TensorPrimitives.Dot</c>; its own
/// sums only sort rows into winners and losers, or rank centroids exactly as the one-query path does.
/// </summary>
[SkipLocalsInit]
internal static class BlockedScan
{
    /// <summary>
    /// Offers every row of <paramref name="rows"/> (row-major, <paramref name="ids"/>.Length × d) to the heaps of
    /// the block's queries, through the register width the block was laid out for.
    /// </summary>
    public static void Run<TFilter>(ReadOnlySpan<float> rows, ReadOnlySpan<long> ids, int d, QueryBlock block, TFilter filter)
        where TFilter : struct, IRowFilter
    {
        Debug.Assert(rows.Length >= ids.Length * d, "fewer row values than ids × d");
        Run(rows, rowStep: d, elementStride: 1, ids, d, block, filter);
    }

    /// <summary>
    /// As <see cref="Run{TFilter}(ReadOnlySpan{float}, ReadOnlySpan{long}, int, QueryBlock, TFilter)"/> for a tile
    /// stored dimension-major (coordinate j of row r at j × n + r, n = <paramref name="ids"/>.Length), such as the
    /// float copy of a cluster's 8-bit codes. Its rows are not contiguous, so the block must not ask for exact scores.
    /// </summary>
    public static void RunColumns<TFilter>(ReadOnlySpan<float> tile, ReadOnlySpan<long> ids, int d, QueryBlock block, TFilter filter)
        where TFilter : struct, IRowFilter
    {
        Debug.Assert(tile.Length >= ids.Length * d, "fewer tile values than ids × d");
        Debug.Assert(!block.ExactScores, "a dimension-major tile has no contiguous rows to score exactly");
        Run(tile, rowStep: 1, elementStride: ids.Length, ids, d, block, filter);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TFilter>(
        ReadOnlySpan<float> rows,
        int rowStep,
        int elementStride,
        ReadOnlySpan<long> ids,
        int d,
        QueryBlock block,
        TFilter filter)
        where TFilter : struct, IRowFilter
    {
        switch (block.Lanes)
        {
            case 16:
                Run<Lanes512, Vector512<float>, TFilter>(rows, rowStep, elementStride, ids, d, block, filter);
                break;
            case 8:
                Run<Lanes256, Vector256<float>, TFilter>(rows, rowStep, elementStride, ids, d, block, filter);
                break;
            case 4:
                Run<Lanes128, Vector128<float>, TFilter>(rows, rowStep, elementStride, ids, d, block, filter);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(block), block.Lanes, "a query block has 4, 8 or 16 lanes.");
        }
    }

    /// <summary>
    /// The lanes of the next block for <paramref name="remaining"/> queries of a group, or 0 when they should go one
    /// at a time instead: fewer than <paramref name="minQueries"/> left, or no accelerated register of at least
    /// <paramref name="minLanes"/> lanes to hold them (each caller's threshold says when its blocks pay).
    /// </summary>
    public static int BlockLanes(int remaining, int minQueries, int minLanes)
    {
        int lanes = LanesFor(remaining);
        return remaining >= minQueries && lanes >= minLanes ? lanes : 0;
    }

    /// <summary>The lanes of the block for <paramref name="queries"/> queries: the narrowest accelerated register that holds
    /// them (wider ones split the group).</summary>
    public static int LanesFor(int queries)
    {
        if (queries > 8 && Lanes512.IsHardwareAccelerated)
        {
            return 16;
        }

        if (queries > 4 && Lanes256.IsHardwareAccelerated)
        {
            return 8;
        }

        return Lanes128.IsHardwareAccelerated ? 4 : Lanes256.IsHardwareAccelerated ? 8 : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TLanes, TVector, TFilter>(
        ReadOnlySpan<float> rows,
        int rowStep,
        int elementStride,
        ReadOnlySpan<long> ids,
        int d,
        QueryBlock block,
        TFilter filter)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
        where TFilter : struct, IRowFilter
    {
        int lanes = TLanes.Count;
        int n = ids.Length;
        Debug.Assert(block.Lanes == lanes, "the block was laid out for another width");
        Debug.Assert(block.Transposed.Length >= lanes * d, "the block holds fewer than d coordinates");

        ref float queries = ref MemoryMarshal.GetArrayDataReference(block.Transposed);
        ref float row0 = ref MemoryMarshal.GetReference(rows);
        TVector thresholds = TLanes.Load(ref MemoryMarshal.GetArrayDataReference(block.Thresholds));
        int last = n - 1;

        // Eight rows at a time: eight independent accumulators keep both FMA pipes busy through the FMA latency.
        // A short last block repeats the last row rather than running a slower tail loop; the repeats are never offered.
        for (int r = 0; r < n; r += RowsPerStep)
        {
            ref float a0 = ref Unsafe.Add(ref row0, r * rowStep);
            ref float a1 = ref Unsafe.Add(ref row0, Math.Min(r + 1, last) * rowStep);
            ref float a2 = ref Unsafe.Add(ref row0, Math.Min(r + 2, last) * rowStep);
            ref float a3 = ref Unsafe.Add(ref row0, Math.Min(r + 3, last) * rowStep);
            ref float a4 = ref Unsafe.Add(ref row0, Math.Min(r + 4, last) * rowStep);
            ref float a5 = ref Unsafe.Add(ref row0, Math.Min(r + 5, last) * rowStep);
            ref float a6 = ref Unsafe.Add(ref row0, Math.Min(r + 6, last) * rowStep);
            ref float a7 = ref Unsafe.Add(ref row0, Math.Min(r + 7, last) * rowStep);
            TVector s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int j = 0, e = 0; j < d; j++, e += elementStride)
            {
                TVector q = TLanes.Load(ref Unsafe.Add(ref queries, j * lanes));
                s0 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a0, e)), q, s0);
                s1 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a1, e)), q, s1);
                s2 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a2, e)), q, s2);
                s3 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a3, e)), q, s3);
                s4 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a4, e)), q, s4);
                s5 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a5, e)), q, s5);
                s6 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a6, e)), q, s6);
                s7 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a7, e)), q, s7);
            }

            // Once the heaps are full almost no row wins: one branch for all eight rows. A row's mask is taken
            // against the thresholds before any of the eight entered, so it can only say too much; Offer re-checks.
            uint m0 = TLanes.WinnersMask(s0, thresholds), m1 = TLanes.WinnersMask(s1, thresholds);
            uint m2 = TLanes.WinnersMask(s2, thresholds), m3 = TLanes.WinnersMask(s3, thresholds);
            uint m4 = TLanes.WinnersMask(s4, thresholds), m5 = TLanes.WinnersMask(s5, thresholds);
            uint m6 = TLanes.WinnersMask(s6, thresholds), m7 = TLanes.WinnersMask(s7, thresholds);
            if ((m0 | m1 | m2 | m3 | m4 | m5 | m6 | m7) == 0)
            {
                continue;
            }

            if (r + RowsPerStep > n)
            {
                // The short last block: rows past the end repeat the last row and must not be offered.
                int valid = n - r;
                m1 = valid > 1 ? m1 : 0;
                m2 = valid > 2 ? m2 : 0;
                m3 = valid > 3 ? m3 : 0;
                m4 = valid > 4 ? m4 : 0;
                m5 = valid > 5 ? m5 : 0;
                m6 = valid > 6 ? m6 : 0;
                m7 = 0;
            }

            thresholds = m0 == 0 ? thresholds : Offer<TLanes, TVector, TFilter>(s0, thresholds, ids[r], ref a0, d, block, filter);
            thresholds = m1 == 0 ? thresholds : Offer<TLanes, TVector, TFilter>(s1, thresholds, ids[r + 1], ref a1, d, block, filter);
            thresholds = m2 == 0 ? thresholds : Offer<TLanes, TVector, TFilter>(s2, thresholds, ids[r + 2], ref a2, d, block, filter);
            thresholds = m3 == 0 ? thresholds : Offer<TLanes, TVector, TFilter>(s3, thresholds, ids[r + 3], ref a3, d, block, filter);
            thresholds = m4 == 0 ? thresholds : Offer<TLanes, TVector, TFilter>(s4, thresholds, ids[r + 4], ref a4, d, block, filter);
            thresholds = m5 == 0 ? thresholds : Offer<TLanes, TVector, TFilter>(s5, thresholds, ids[r + 5], ref a5, d, block, filter);
            thresholds = m6 == 0 ? thresholds : Offer<TLanes, TVector, TFilter>(s6, thresholds, ids[r + 6], ref a6, d, block, filter);
            thresholds = m7 == 0 ? thresholds : Offer<TLanes, TVector, TFilter>(s7, thresholds, ids[r + 7], ref a7, d, block, filter);
        }
    }

    private const int RowsPerStep = 8;

    /// <summary>
    /// Adds one row to the heap of each lane it beats; returns the thresholds, renewed where a heap changed. For
    /// hits that are returned (<see cref="QueryBlock.ExactScores"/>) the register's score only decides who is
    /// offered: the heap gets the row's <c>TensorPrimitives.Dot</c> with the query, so a hit carries the same score
    /// whether its query came alone or in a batch, and a full scan gives the exact search's scores. Otherwise the
    /// heap gets the register's score plus the lane's bias (see <see cref="QueryBlock.Bias"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TVector Offer<TLanes, TVector, TFilter>(
        TVector scores,
        TVector thresholds,
        long id,
        ref float row,
        int d,
        QueryBlock block,
        TFilter filter)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
        where TFilter : struct, IRowFilter
    {
        uint winners = TLanes.WinnersMask(scores, thresholds);
        if (winners == 0 || !filter.Keeps(id))
        {
            return thresholds;
        }

        Span<float> lanes = stackalloc float[QueryBlock.MaxLanes];
        TLanes.Store(scores, ref MemoryMarshal.GetReference(lanes));
        float[] limits = block.Thresholds;
        float[] bias = block.Bias;
        do
        {
            int l = BitOperations.TrailingZeroCount(winners);
            TopK heap = block.Heaps[l];
            heap.Add(id, block.ExactScores ? TensorPrimitives.Dot(MemoryMarshal.CreateReadOnlySpan(ref row, d), block.Query(l)) : lanes[l] + bias[l]);
            limits[l] = heap.Threshold - bias[l];
            winners &= winners - 1;
        }
        while (winners != 0);

        return TLanes.Load(ref MemoryMarshal.GetArrayDataReference(limits));
    }
}
