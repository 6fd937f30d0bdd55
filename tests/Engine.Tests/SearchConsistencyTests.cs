using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The single-query path, the batch path and any thread count give the same answers.</summary>
[Collection(ClusteredIndexCollection.Name)]
public sealed class SearchConsistencyTests(ClusteredIndexFixture fixture)
{
    private const int K = ClusteredIndexFixture.K;
    private const int D = ClusteredIndexFixture.Dimensions;

    [Fact]
    public void SingleQueriesMatchTheBatch()
    {
        var parameters = new SearchParameters(3, 20);
        Neighbor[][] batch = fixture.Index.SearchBatch(fixture.Queries, K, parameters);

        for (int q = 0; q < 40; q++)
        {
            Assert.Equal(batch[q], fixture.Index.Search(fixture.Queries.AsSpan(q * D, D), K, parameters));
        }
    }

    [Fact]
    public void BatchSizeDoesNotChangeAnswers()
    {
        // Batch size decides how many queries share each cluster, and so which scan path serves them (one query
        // at a time, or blocks of 4, 8 or 16): every size must return the same hits with the same scores.
        var parameters = new SearchParameters(4, 30);
        Neighbor[][] whole = fixture.Index.SearchBatch(fixture.Queries, K, parameters, threads: 1);
        int queries = whole.Length;
        foreach (int size in new[] { 2, 3, 5, 9, 17, 33 })
        {
            var pieces = new List<Neighbor[]>();
            for (int first = 0; first < queries; first += size)
            {
                int count = Math.Min(size, queries - first);
                pieces.AddRange(fixture.Index.SearchBatch(fixture.Queries.AsSpan(first * D, count * D), K, parameters, threads: 1));
            }

            TestVectors.AssertIdentical(whole, [.. pieces]);
        }
    }

    [Fact]
    public void ThreadCountDoesNotChangeAnswers()
    {
        Neighbor[][] one = fixture.Index.SearchBatch(fixture.Queries, K, SearchParameters.Default, threads: 1);
        Neighbor[][] two = fixture.Index.SearchBatch(fixture.Queries, K, SearchParameters.Default, threads: 2);
        Neighbor[][] many = fixture.Index.SearchBatch(fixture.Queries, K, SearchParameters.Default, threads: 7);

        TestVectors.AssertIdentical(one, two);
        TestVectors.AssertIdentical(one, many);
    }

    [Fact]
    public void ReopenedIndexGivesIdenticalResults()
    {
        Neighbor[][] before = fixture.Index.SearchBatch(fixture.Queries, K);

        using (VectorIndex reopened = VectorIndex.Open(fixture.IndexDirectory, verify: true))
        {
            Assert.Equal(fixture.Index.Generation, reopened.Generation);
            TestVectors.AssertIdentical(before, reopened.SearchBatch(fixture.Queries, K));
        }

        using VectorIndex unverified = VectorIndex.Open(fixture.IndexDirectory, verify: false);
        TestVectors.AssertIdentical(before, unverified.SearchBatch(fixture.Queries, K));
    }
}
