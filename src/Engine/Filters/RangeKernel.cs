using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HyperdOrleans.Engine.Filters;

/// <summary>
/// The predicate's tight loop: one bit per row of a column, set where low ≤ value ≤ high. Whole 256-bit registers
/// are compared at once and their sign masks packed into the bitmap's words, so a column of longs costs about one
/// compare per four rows. Every comparison of the filters (equal, ranges, bools, dictionary codes) is such a range.
/// </summary>
[SkipLocalsInit]
internal static class RangeKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Into<T>(ReadOnlySpan<T> column, T low, T high, RowBitmap into)
        where T : unmanaged, INumber<T>
    {
        Span<ulong> words = into.Words;
        int n = column.Length;
        int full = n / 64;
        int lanes = Vector256<T>.Count;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && 64 % lanes == 0)
        {
            ref T start = ref MemoryMarshal.GetReference(column);
            Vector256<T> lows = Vector256.Create(low);
            Vector256<T> highs = Vector256.Create(high);
            for (int w = 0; w < full; w++)
            {
                ulong word = 0;
                for (int j = 0; j < 64; j += lanes)
                {
                    Vector256<T> values = Vector256.LoadUnsafe(ref start, (nuint)((w * 64) + j));
                    Vector256<T> inside = Vector256.GreaterThanOrEqual(values, lows) & Vector256.LessThanOrEqual(values, highs);
                    word |= (ulong)inside.ExtractMostSignificantBits() << j;
                }

                words[w] = word;
            }
        }
        else
        {
            full = 0;
        }

        for (int w = full; w < words.Length; w++)
        {
            ulong word = 0;
            for (int r = w * 64, j = 0; r < n && j < 64; r++, j++)
            {
                T value = column[r];
                word |= (value >= low && value <= high ? 1UL : 0UL) << j;
            }

            words[w] = word;
        }
    }

    /// <summary>Bits where a double column holds NaN, its missing value (NaN fails every range).</summary>
    public static void NaNInto(ReadOnlySpan<double> column, RowBitmap into)
    {
        Span<ulong> words = into.Words;
        words.Clear();
        for (int r = 0; r < column.Length; r++)
        {
            words[r >> 6] |= (double.IsNaN(column[r]) ? 1UL : 0UL) << r;
        }
    }
}
