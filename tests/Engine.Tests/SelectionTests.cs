using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Search.Blocked;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The two pieces the shared budget's planner is made of: the k-th largest score, and a block's scores written out.</summary>
public sealed class SelectionTests
{
    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(10, 3, 1)]
    [InlineData(511, 200, 2)]
    [InlineData(1000, 1, 3)]
    [InlineData(1000, 1000, 4)]
    [InlineData(2303, 777, 5)]
    [InlineData(4000, 80, 6)]
    [InlineData(4000, 1600, 7)]
    [InlineData(4000, 3999, 8)]
    public void KthLargestEqualsTheSortedValue(int count, int k, int seed)
    {
        var random = new Random(seed);

        // Few distinct values as well as many (ties around the k-th), in random and in sorted orders (a sample of
        // sorted values brackets well; ties can make the bracket miss and fall back to the plain quickselect).
        foreach (int distinct in new[] { 3, 50, 1_000_000 })
        {
            float[] values = [.. Enumerable.Range(0, count).Select(_ => random.Next(distinct) / (float)distinct)];
            float expected = values.OrderByDescending(v => v).ElementAt(k - 1);
            Assert.Equal(expected, KthLargest.Select(values.ToArray(), k));
            Assert.Equal(expected, KthLargest.Select([.. values.Order()], k));
            Assert.Equal(expected, KthLargest.Select([.. values.OrderDescending()], k));
        }
    }

    [Fact]
    public void KthLargestRejectsKOutsideTheValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KthLargest.Select(new float[3], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KthLargest.Select(new float[3], 4));
    }

    [Theory]
    [InlineData(4, 3, 1)]
    [InlineData(8, 8, 13)]
    [InlineData(16, 11, 1000)]
    [InlineData(16, 16, 288)]
    public void BlockScoresEqualTheOneQueryCentroidScoresBitForBit(int lanes, int active, int rows)
    {
        // Every width runs here: a width the CPU lacks is emulated by .NET, slower but with the same results.
        const int D = 70;
        float[] centroids = TestVectors.Unit(TestVectors.RandomRows(rows, D, seed: rows), D);
        float[] queries = TestVectors.Unit(TestVectors.RandomRows(active, D, seed: lanes), D);
        var scorer = new CentroidScorer(centroids, D);
        var block = new QueryBlock();
        block.Begin(lanes, D, exactScores: false);
        for (int q = 0; q < active; q++)
        {
            block.AddQuery(queries.AsSpan(q * D, D));
        }

        var output = new float[BlockedScores.OutputLength(rows, lanes)];
        BlockedScores.Run(centroids, rows, D, block, output);

        for (int q = 0; q < active; q++)
        {
            var expected = new float[rows];
            scorer.Score(queries.AsSpan(q * D, D), expected);
            for (int c = 0; c < rows; c++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[c]), BitConverter.SingleToInt32Bits(output[(c * lanes) + q]));
            }
        }
    }
}
