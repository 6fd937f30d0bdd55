using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Build;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// A pooled search scratch lets go of what a large batch grew (buffers, plan, SQ8 candidate heaps) and still answers
/// the next batch exactly as before.
/// </summary>
public sealed class ScratchTrimTests(Sq8IndexFixture fixture) : IClassFixture<Sq8IndexFixture>
{
    [Fact]
    public void EndBatchLetsGoOfBuffersPastAMegabyteAndKeepsSmallOnes()
    {
        var scratch = new SearchScratch();
        int[] small = scratch.Rent(ref scratch.SortedQueries, 1_000);
        scratch.Rent(ref scratch.PairClusters, 1 << 19);
        scratch.Rent(ref scratch.PlanScores, 1 << 19);

        scratch.EndBatch();

        Assert.Same(small, scratch.SortedQueries);
        Assert.Empty(scratch.PairClusters);
        Assert.Empty(scratch.PlanScores);
    }

    [Theory]
    [InlineData(VectorStorage.Float32)]
    [InlineData(VectorStorage.Sq8)]
    public void AnswersAfterALargeBatchAreThoseBeforeIt(VectorStorage storage)
    {
        VectorIndex index = storage == VectorStorage.Sq8 ? fixture.Sq8 : fixture.Float32;
        var parameters = new SearchParameters(6, 50);
        Neighbor[][] before = index.SearchBatch(fixture.Queries, Sq8IndexFixture.K, parameters, threads: 1);

        // 20 copies of the queries at k = 100: SQ8 candidate heaps of 4 × 100 per query, 4.8 MB, then let go.
        float[] many = [.. Enumerable.Repeat(fixture.Queries, 20).SelectMany(q => q)];
        Assert.Equal(Sq8IndexFixture.QueryCount * 20, index.SearchBatch(many, 100, parameters, threads: 1).Length);

        Neighbor[][] after = index.SearchBatch(fixture.Queries, Sq8IndexFixture.K, parameters, threads: 1);
        Assert.Equal(before.Length, after.Length);
        for (int q = 0; q < before.Length; q++)
        {
            Assert.Equal(before[q], after[q]);
        }
    }
}
