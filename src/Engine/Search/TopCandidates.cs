using System.Numerics;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// The positions of the k largest of a row of scores, in row order (ties with the k-th taken first come, first
/// served), for a budget of hundreds of clusters out of thousands. A sample gives a score a little below the
/// k-th, one vectorised pass checks that at least k lie at or above it, and one branch-free pass keeps their positions
/// (about k plus a tenth of the row); only those are selected from. Every other pass
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
    public ReadOnlySpan<int> Select(ReadOnlySpan<float> scores, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, scores.Length);
        int n = scores.Length;
        Grow(n + 1);
        int count = scores.Length >= MinSampled && k < n && Bracket(scores, k) is float low
            ? Gather(scores, low)
            : Everything(n);

        // The k-th best is among the candidates: select it from a copy, then keep candidates above it and enough ties.
        Span<int> candidates = _positions.AsSpan(0, count);
        Span<float> values = _values.AsSpan(0, count);
        for (int i = 0; i < count; i++)
        {
            values[i] = scores[candidates[i]];
        }

        float threshold = KthLargest.Select(values, k);
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
    /// A score from a sorted sample with at least k scores at or above it (so the k-th largest is too), a little
    /// below the k-th; null when the sample misjudged (then every position is a candidate).
    /// </summary>
    private static float? Bracket(ReadOnlySpan<float> scores, int k)
    {
        int n = scores.Length;
        Span<float> sample = stackalloc float[SampleSize];
        for (int i = 0; i < SampleSize; i++)
        {
            sample[i] = scores[(int)((long)i * n / SampleSize)];
        }

        // The sample's score at k's expected rank less the margin (0-based rank r from the top: the (r + 1)-th largest).
        int rank = (int)((long)k * SampleSize / n) + Margin;
        if (rank >= SampleSize)
        {
            return null;
        }

        float low = KthLargest.Select(sample, rank + 1);
        return AtLeast(scores, low) >= k ? low : null;
    }

    private static int AtLeast(ReadOnlySpan<float> scores, float low)
    {
        int count = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var lows = new Vector<float>(low);
            for (; i <= scores.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                count -= Vector.Sum(Vector.GreaterThanOrEqual(new Vector<float>(scores[i..]), lows)); // true lanes are -1
            }
        }

        for (; i < scores.Length; i++)
        {
            count += scores[i] >= low ? 1 : 0;
        }

        return count;
    }

    /// <summary>The positions of the scores at or above <paramref name="low"/>, ascending; branch-free (one slot spare).</summary>
    private int Gather(ReadOnlySpan<float> scores, float low)
    {
        int[] positions = _positions;
        int m = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            positions[m] = i;
            m += scores[i] >= low ? 1 : 0;
        }

        return m;
    }

    private int Everything(int n)
    {
        for (int i = 0; i < n; i++)
        {
            _positions[i] = i;
        }

        return n;
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
