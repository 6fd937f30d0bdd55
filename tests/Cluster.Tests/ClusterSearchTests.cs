using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Cluster.Tests;

[Collection(SharedClusterCollection.Name)]
public sealed class ClusterSearchTests(SharedClusterFixture fixture)
{
    [Theory]
    [InlineData(3, 4, SearchBudget.Shared)]
    [InlineData(6, 50, SearchBudget.Shared)]
    [InlineData(6, 5, SearchBudget.PerBucket)]
    public async Task ClusterResultsEqualEngineResults(int lshProbes, int nprobe, SearchBudget budget)
    {
        // The coordinator plans a shared budget with the engine's planner over centroids fetched from the bucket grains.
        string index = $"equal-{lshProbes}-{nprobe}-{budget}".ToLowerInvariant();
        IndexStatus status = await fixture.Hyperd.BuildAsync(index, fixture.Data);

        // The store's index folder is an engine index directory: open the same generation with the engine alone.
        using VectorIndex engine = VectorIndex.Open(Path.Combine(fixture.Hyperd.StoreRoot, index));
        Assert.Equal(status.Generation, engine.Generation);
        const int k = 10;
        Neighbor[][] expected = engine.SearchBatch(fixture.Data.Queries, k, new SearchParameters(lshProbes, nprobe, Budget: (ProbeBudget)budget));
        SearchResponse actual = await fixture.Hyperd.Client.SearchRowsAsync(index, fixture.Data.Queries, k, new SearchOptions(lshProbes, nprobe, budget));

        Assert.Equal(status.Generation, actual.Generation);
        Assert.Equal(expected.Length, actual.Results.Length);
        for (int q = 0; q < expected.Length; q++)
        {
            Assert.Equal(expected[q].Select(n => n.Id), actual.Results[q].Ids);
            for (int i = 0; i < k; i++)
            {
                Assert.Equal(expected[q][i].Score, actual.Results[q].Scores[i], 5);
            }
        }
    }

    [Fact]
    public async Task SingleQueryAndBatchAgree()
    {
        const string index = "single-vs-batch";
        await fixture.Hyperd.BuildAsync(index, fixture.Data);
        QueryResult single = await fixture.Hyperd.Client.SearchAsync(index, fixture.Data.Query(3), 5);
        QueryResult[] batch = await fixture.Hyperd.Client.SearchAsync(index, [fixture.Data.Query(2), fixture.Data.Query(3)], 5);
        Assert.Equal(single.Ids, batch[1].Ids);
        Assert.Equal(5, single.Count);
    }
}
