using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace HyperdOrleans.Engine.Filters;

/// <summary>
/// One bit per row of a bucket (file-row order): the rows a filter keeps. Bits past <see cref="Count"/> stay zero,
/// so counts and complements need no tail handling by callers. Not thread-safe while written; reads are.
/// </summary>
public sealed class RowBitmap
{
    public RowBitmap(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
        Words = new ulong[(count + 63) / 64];
    }

    public long Count { get; }

    internal ulong[] Words { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Get(long row) => (Words[row >> 6] & (1UL << (int)row)) != 0;

    public void Clear() => Array.Clear(Words);

    public void SetAll()
    {
        Array.Fill(Words, ulong.MaxValue);
        ClearTail();
    }

    /// <summary>Sets the bits of <paramref name="rows"/>; rows outside the bitmap are refused (they come from a file).</summary>
    public void SetRows(ReadOnlySpan<int> rows)
    {
        ulong[] words = Words;
        foreach (int row in rows)
        {
            if ((ulong)row >= (ulong)Count)
            {
                throw new InvalidDataException($"a posting list names row {row} of a bucket of {Count} rows.");
            }

            words[row >> 6] |= 1UL << row;
        }
    }

    public void And(RowBitmap other) => TensorPrimitives.BitwiseAnd(Words, other.Words, Words);

    public void Or(RowBitmap other) => TensorPrimitives.BitwiseOr(Words, other.Words, Words);

    public void Not()
    {
        TensorPrimitives.OnesComplement(Words, Words);
        ClearTail();
    }

    /// <summary>Rows set in all.</summary>
    public long PopCount() => TensorPrimitives.PopCount<ulong>(Words);

    /// <summary>Rows set in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public int CountRange(long start, long end)
    {
        if (end <= start)
        {
            return 0;
        }

        long first = start >> 6;
        long last = (end - 1) >> 6;
        ulong headMask = ulong.MaxValue << (int)(start & 63);
        ulong tailMask = ulong.MaxValue >> (int)(63 - ((end - 1) & 63));
        if (first == last)
        {
            return BitOperations.PopCount(Words[first] & headMask & tailMask);
        }

        long count = BitOperations.PopCount(Words[first] & headMask) + BitOperations.PopCount(Words[last] & tailMask);
        if (last - first > 1)
        {
            count += TensorPrimitives.PopCount<ulong>(Words.AsSpan((int)first + 1, (int)(last - first - 1)));
        }

        return (int)count;
    }

    /// <summary>
    /// The rows set in [<paramref name="start"/>, <paramref name="end"/>), as offsets from <paramref name="start"/>, into
    /// <paramref name="into"/> (which must hold them); returns how many. Whole zero words are skipped.
    /// </summary>
    public int Positions(long start, long end, Span<int> into)
    {
        int count = 0;
        for (long w = start >> 6; w << 6 < end; w++)
        {
            ulong word = Words[w];
            long first = w << 6;
            if (first < start)
            {
                word &= ulong.MaxValue << (int)(start - first);
            }

            if (first + 64 > end)
            {
                word &= ulong.MaxValue >> (int)(first + 64 - end);
            }

            while (word != 0)
            {
                into[count++] = (int)(first + BitOperations.TrailingZeroCount(word) - start);
                word &= word - 1;
            }
        }

        return count;
    }

    private void ClearTail()
    {
        int tail = (int)(Count & 63);
        if (tail != 0)
        {
            Words[^1] &= (1UL << tail) - 1;
        }
    }
}
