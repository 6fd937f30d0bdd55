using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// The positions of the k largest of a row of scores, in row order (ties with the k-th taken first come, first
/// served), for a budget of hundreds of clusters out of thousands. A sample gives a score a little below the
/// k-th, and one pass copies the positions and scores at or above it (about k plus a tenth of the row; with
/// AVX-512, one compress per register); only those are selected from, if there are at least k of them. Every other pass
/// of a plain approach (copies, partitions, a final scan of all scores) touches the whole row. Not thread-safe: its
/// buffers are reused, one instance per <see cref="SearchScratch"/>.
/// </summary>
internal sealed class TopCandidates
{
    private const int SampleSize = 128;

    /// <summary>Sample ranks below k's expected rank: enough that the sample rarely misjudges.</summary>
    private const int Margin = 12;

    /// <summary>Below this many scores the bracket saves nothing: every position is a candidate.</summary>
    private const int MinSampled = 512;

    private int[] _positions = [];
    private float[] _values = [];

    /// <summary>The positions of the <paramref name="k"/> best scores, ascending; valid until the next call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<int> Select(ReadOnlySpan<float> scores, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, scores.Length);
        int n = scores.Length;
        Grow(n + Vector512<int>.Count);
        int count = scores.Length >= MinSampled && k < n && Bracket(scores, k) is float low && Gather(scores, low) is int above && above >= k
            ? above
            : Everything(scores);

        // The k-th best is among the candidates: select it from their copied scores, then keep candidates above it and enough ties.
        Span<int> candidates = _positions.AsSpan(0, count);
        float threshold = KthLargest.Select(_values.AsSpan(0, count), k);
        int ties = k;
        foreach (int p in candidates)
        {
            ties -= scores[p] > threshold ? 1 : 0;
        }

        int kept = 0;
        foreach (int p in candidates)
        {
            float s = scores[p];
            if (s > threshold || (s == threshold && ties-- > 0))
            {
                _positions[kept++] = p;
            }
        }

        return _positions.AsSpan(0, kept);
    }

    /// <summary>
    /// The sorted sample's score at k's expected rank less a margin: a little below the k-th largest, so that
    /// usually at least k scores lie at or above it (the caller checks); null when the margin reaches past the sample.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float? Bracket(ReadOnlySpan<float> scores, int k)
    {
        int n = scores.Length;
        Span<float> sample = stackalloc float[SampleSize];
        for (int i = 0; i < SampleSize; i++)
        {
            sample[i] = scores[(int)((long)i * n / SampleSize)];
        }

        // 0-based rank r from the top is the (r + 1)-th largest.
        int rank = (int)((long)k * SampleSize / n) + Margin;
        return rank < SampleSize ? KthLargest.Select(sample, rank + 1) : null;
    }

    /// <summary>
    /// Copies the positions and scores of the scores at or above <paramref name="low"/> (ascending) and returns how
    /// many there are: a compress of each register's winners where AVX-512 has one, else a branch-free store per score.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Gather(ReadOnlySpan<float> scores, float low)
    {
        int[] positions = _positions;
        float[] values = _values;
        int m = 0;
        int i = 0;
        if (Avx512F.IsSupported)
        {
            // Full registers stored at the write position: the arrays keep one register of slack past n.
            var lows = Vector512.Create(low);
            Vector512<int> index = Vector512<int>.Indices;
            Vector512<int> step = Vector512.Create(Vector512<int>.Count);
            ref float source = ref MemoryMarshal.GetReference(scores);
            ref int positionsStart = ref MemoryMarshal.GetArrayDataReference(positions);
            ref float valuesStart = ref MemoryMarshal.GetArrayDataReference(values);
            for (; i <= scores.Length - Vector512<float>.Count; i += Vector512<float>.Count, index += step)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref source, (nuint)i);
                Vector512<float> above = Vector512.GreaterThanOrEqual(v, lows);
                Avx512F.Compress(Vector512<int>.Zero, above.AsInt32(), index).StoreUnsafe(ref positionsStart, (nuint)m);
                Avx512F.Compress(Vector512<float>.Zero, above, v).StoreUnsafe(ref valuesStart, (nuint)m);
                m += BitOperations.PopCount(above.ExtractMostSignificantBits());
            }
        }

        for (; i < scores.Length; i++)
        {
            positions[m] = i;
            values[m] = scores[i];
            m += scores[i] >= low ? 1 : 0;
        }

        return m;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Everything(ReadOnlySpan<float> scores)
    {
        for (int i = 0; i < scores.Length; i++)
        {
            _positions[i] = i;
        }

        scores.CopyTo(_values);
        return scores.Length;
    }

    private void Grow(int length)
    {
        if (_positions.Length < length)
        {
            _positions = new int[Math.Max(length, _positions.Length * 2)];
            _values = new float[_positions.Length];
        }
    }
}
