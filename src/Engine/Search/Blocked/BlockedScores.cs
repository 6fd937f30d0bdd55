using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HyperdOrleans.Engine.Search.Blocked;

/// <summary>
/// Every row's score for every query of a <see cref="QueryBlock"/>, written out: the small matrix product of
/// <see cref="BlockedScan"/> for a caller that selects from all scores at once (the shared probe budget ranks a
/// few thousand centroids per query, where offering each winner to a heap of hundreds would cost more than the
/// product). Rounds as <see cref="BlockedScan"/> and the one-query <c>CentroidScorer.Score</c> do.
/// </summary>
[SkipLocalsInit]
internal static class BlockedScores
{
    private const int RowsPerStep = 8;

    /// <summary>Output values needed for <paramref name="rows"/> rows: rows rounded up to a step of eight, times the lanes.</summary>
    public static int OutputLength(int rows, int lanes) => (rows + RowsPerStep - 1) / RowsPerStep * RowsPerStep * lanes;

    /// <summary>Writes row r's score for lane l at <paramref name="output"/>[r × lanes + l] (rows past the last are padding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> rows, int count, int d, QueryBlock block, Span<float> output)
    {
        Debug.Assert(rows.Length >= count * d, "fewer row values than count × d");
        if (count == 0)
        {
            return;
        }

        if (output.Length < OutputLength(count, block.Lanes))
        {
            throw new ArgumentException($"output holds {output.Length} values; {OutputLength(count, block.Lanes)} are needed.", nameof(output));
        }

        switch (block.Lanes)
        {
            case 16:
                Run<Lanes512, Vector512<float>>(rows, count, d, block, output);
                break;
            case 8:
                Run<Lanes256, Vector256<float>>(rows, count, d, block, output);
                break;
            case 4:
                Run<Lanes128, Vector128<float>>(rows, count, d, block, output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(block), block.Lanes, "a query block has 4, 8 or 16 lanes.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TLanes, TVector>(ReadOnlySpan<float> rows, int n, int d, QueryBlock block, Span<float> output)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        int lanes = TLanes.Count;
        ref float queries = ref MemoryMarshal.GetArrayDataReference(block.Transposed);
        ref float row0 = ref MemoryMarshal.GetReference(rows);
        ref float out0 = ref MemoryMarshal.GetReference(output);
        int last = n - 1;

        // Eight rows at a time (independent accumulators); a short last step repeats the last row into the padding.
        for (int r = 0; r < n; r += RowsPerStep)
        {
            ref float a0 = ref Unsafe.Add(ref row0, r * d);
            ref float a1 = ref Unsafe.Add(ref row0, Math.Min(r + 1, last) * d);
            ref float a2 = ref Unsafe.Add(ref row0, Math.Min(r + 2, last) * d);
            ref float a3 = ref Unsafe.Add(ref row0, Math.Min(r + 3, last) * d);
            ref float a4 = ref Unsafe.Add(ref row0, Math.Min(r + 4, last) * d);
            ref float a5 = ref Unsafe.Add(ref row0, Math.Min(r + 5, last) * d);
            ref float a6 = ref Unsafe.Add(ref row0, Math.Min(r + 6, last) * d);
            ref float a7 = ref Unsafe.Add(ref row0, Math.Min(r + 7, last) * d);
            TVector s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int j = 0; j < d; j++)
            {
                TVector q = TLanes.Load(ref Unsafe.Add(ref queries, j * lanes));
                s0 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a0, j)), q, s0);
                s1 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a1, j)), q, s1);
                s2 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a2, j)), q, s2);
                s3 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a3, j)), q, s3);
                s4 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a4, j)), q, s4);
                s5 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a5, j)), q, s5);
                s6 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a6, j)), q, s6);
                s7 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref a7, j)), q, s7);
            }

            ref float o = ref Unsafe.Add(ref out0, r * lanes);
            TLanes.Store(s0, ref o);
            TLanes.Store(s1, ref Unsafe.Add(ref o, lanes));
            TLanes.Store(s2, ref Unsafe.Add(ref o, 2 * lanes));
            TLanes.Store(s3, ref Unsafe.Add(ref o, 3 * lanes));
            TLanes.Store(s4, ref Unsafe.Add(ref o, 4 * lanes));
            TLanes.Store(s5, ref Unsafe.Add(ref o, 5 * lanes));
            TLanes.Store(s6, ref Unsafe.Add(ref o, 6 * lanes));
            TLanes.Store(s7, ref Unsafe.Add(ref o, 7 * lanes));
        }
    }
}
