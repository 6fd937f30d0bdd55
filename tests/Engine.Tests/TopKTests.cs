using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The bounded heap keeps exactly what a full sort would, on random data, with and without ties.</summary>
public sealed class TopKTests
{
    [Theory]
    [InlineData(1, 1000, 1)]
    [InlineData(10, 1000, 2)]
    [InlineData(100, 5000, 3)]
    [InlineData(50, 20, 4)] // fewer candidates than k
    public void DistinctScoresMatchAFullSort(int k, int n, int seed)
    {
        Neighbor[] candidates = Candidates(n, seed, distinctLevels: 0);
        var heap = new TopK(k);
        foreach (Neighbor c in candidates)
        {
            heap.Add(c.Id, c.Score);
        }

        Neighbor[] expected = [.. candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Id).Take(k)];
        Assert.Equal(expected, heap.ToSortedArray());
    }

    [Theory]
    [InlineData(10, 2000, 5)]
    [InlineData(64, 2000, 6)]
    public void TiedScoresKeepTheRightScoresAndEveryStrictWinner(int k, int n, int seed)
    {
        // Scores on 32 levels: many ties at the cut. Which tied id survives is not specified, but the kept
        // scores are, and so is every id scoring strictly above the k-th score.
        Neighbor[] candidates = Candidates(n, seed, distinctLevels: 32);
        var heap = new TopK(k);
        heap.AddRange(candidates.Select(c => c.Score).ToArray(), candidates.Select(c => c.Id).ToArray());
        Neighbor[] actual = heap.ToSortedArray();

        Neighbor[] expected = [.. candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Id).Take(k)];
        Assert.Equal(expected.Select(e => e.Score), actual.Select(a => a.Score));
        float kth = expected[^1].Score;
        Assert.Equal(expected.Where(e => e.Score > kth).Select(e => e.Id).Order(), actual.Where(a => a.Score > kth).Select(a => a.Id).Order());
        Assert.Subset(candidates.ToHashSet(), actual.ToHashSet());
        Assert.Equal(k, actual.Select(a => a.Id).Distinct().Count());
    }

    [Theory]
    [InlineData(5, 1000, 7, false)]
    [InlineData(5, 1003, 8, true)] // ascending: every vector holds winners, and the tail is not a whole vector
    [InlineData(10, 13, 9, false)] // shorter than two SIMD vectors
    [InlineData(3, 77, 10, true)]
    public void AddRangeInBlocksMatchesAFullSort(int k, int n, int seed, bool ascending)
    {
        Neighbor[] candidates = Candidates(n, seed, distinctLevels: 0);
        if (ascending)
        {
            candidates = [.. candidates.OrderBy(c => c.Score)];
        }

        var heap = new TopK(k);
        heap.AddRange(candidates.Select(c => c.Score).ToArray(), candidates.Select(c => c.Id).ToArray());

        Neighbor[] expected = [.. candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Id).Take(k)];
        Assert.Equal(expected, heap.ToSortedArray());
    }

    [Fact]
    public void AddRangeRefusesFewerIdsThanScores()
    {
        var heap = new TopK(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => heap.AddRange(new float[4], new long[3]));
    }

    [Fact]
    public void ThresholdIsMinusInfinityUntilFullThenTheWorstKeptScore()
    {
        var heap = new TopK(3);
        Assert.Equal(float.NegativeInfinity, heap.Threshold);
        heap.Add(1, 0.5f);
        heap.Add(2, 0.9f);
        Assert.Equal(float.NegativeInfinity, heap.Threshold);
        heap.Add(3, 0.1f);
        Assert.Equal(0.1f, heap.Threshold);
        heap.Add(4, 0.7f);
        Assert.Equal(0.5f, heap.Threshold);
        Assert.True(heap.Contains(4));
        Assert.False(heap.Contains(3));
    }

    [Fact]
    public void ResetAndToSortedArrayEmptyTheHeapForReuse()
    {
        var heap = new TopK(4);
        heap.Add(1, 1f);
        heap.Add(2, 2f);
        Assert.Equal(2, heap.ToSortedArray().Length);
        Assert.Equal(0, heap.Count);

        heap.Add(3, 3f);
        heap.Reset();
        heap.Add(4, 4f);
        Assert.Equal([new Neighbor(4, 4f)], heap.ToSortedArray());
    }

    [Fact]
    public void KBelowOneIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TopK(0));
    }

    /// <summary>Random candidates with unique ids; <paramref name="distinctLevels"/> > 0 quantises scores to force ties.</summary>
    internal static Neighbor[] Candidates(int n, int seed, int distinctLevels)
    {
        var random = new Random(seed);
        long[] ids = [.. Enumerable.Range(0, n).Select(i => (long)i * 7919 % 1_000_003).OrderBy(_ => random.Next())];
        return [.. ids.Select(id =>
        {
            float score = (random.NextSingle() * 2f) - 1f;
            return new Neighbor(id, distinctLevels > 0 ? MathF.Round(score * distinctLevels) / distinctLevels : score);
        })];
    }
}
