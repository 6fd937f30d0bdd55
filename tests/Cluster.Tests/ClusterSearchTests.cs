using System.Collections.Concurrent;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Cluster.Tests;

[Collection(SharedClusterCollection.Name)]
public sealed class ClusterSearchTests(SharedClusterFixture fixture)
{
    // One float32 and one SQ8 twin, built once for every combination below.
    private static readonly ConcurrentDictionary<IndexStorage, Task<IndexStatus>> Twins = new();

    /// <summary>
    /// The test that cannot drift: the cluster runs the engine's search flow with the bucket grains as executor, so
    /// for every combination of budget, probes, re-rank, storage, k and the short-answer rule (k = 300 under one
    /// cluster, more than it holds) its ids and scores equal the engine's on the same generation's files. Null
    /// options take the manifest's defaults on both sides.
    /// </summary>
    [Theory]
    [InlineData(IndexStorage.Float32, 3, 4, SearchBudget.Shared, null, 10)]
    [InlineData(IndexStorage.Float32, 6, 50, SearchBudget.Shared, null, 10)]
    [InlineData(IndexStorage.Float32, 6, 5, SearchBudget.PerBucket, null, 10)]
    [InlineData(IndexStorage.Float32, 8, 200, SearchBudget.PerBucket, null, 25)]
    [InlineData(IndexStorage.Float32, 1, 1, SearchBudget.Shared, null, 300)]
    [InlineData(IndexStorage.Float32, 1, 1, SearchBudget.PerBucket, null, 300)]
    [InlineData(IndexStorage.Float32, null, null, null, null, 10)]
    [InlineData(IndexStorage.Sq8, 3, 4, SearchBudget.Shared, 1, 10)]
    [InlineData(IndexStorage.Sq8, 6, 20, SearchBudget.Shared, 4, 10)]
    [InlineData(IndexStorage.Sq8, 4, 10, SearchBudget.PerBucket, 8, 10)]
    [InlineData(IndexStorage.Sq8, 1, 1, SearchBudget.Shared, 2, 300)]
    [InlineData(IndexStorage.Sq8, null, null, null, null, 10)]
    public async Task ClusterResultsEqualEngineResults(IndexStorage storage, int? lshProbes, int? nprobe, SearchBudget? budget, int? rerank, int k)
    {
        string index = $"twin-{storage}".ToLowerInvariant();
        IndexStatus status = await Twins.GetOrAdd(
            storage,
            s => Within.Phase(
                $"first build of '{index}'",
                fixture.Hyperd.Client.BuildAsync(index, new BuildRequest(fixture.Data.Path, Clusters: 200, Storage: s))));

        // The store's index folder is an engine index directory: open the same generation with the engine alone.
        using VectorIndex engine = VectorIndex.Open(Path.Combine(fixture.Hyperd.StoreRoot, index));
        Assert.Equal(status.Generation, engine.Generation);
        Assert.Equal(storage == IndexStorage.Sq8, engine.IsQuantized);
        SearchParameters defaults = engine.DefaultParameters;
        var parameters = new SearchParameters(
            lshProbes ?? defaults.LshProbes,
            nprobe ?? defaults.NProbe,
            rerank ?? defaults.Rerank,
            (ProbeBudget)(budget ?? SearchBudget.Shared));
        Neighbor[][] expected = engine.SearchBatch(fixture.Data.Queries, k, parameters);
        SearchResponse actual = await fixture.Hyperd.Client.SearchRowsAsync(
            index,
            fixture.Data.Queries,
            k,
            new SearchOptions(lshProbes, nprobe, budget, rerank));

        Assert.Equal(status.Generation, actual.Generation);
        Assert.Equal(expected.Length, actual.Results.Length);
        for (int q = 0; q < expected.Length; q++)
        {
            Assert.Equal(k, expected[q].Length);
            Assert.Equal(expected[q].Select(n => n.Id), actual.Results[q].Ids);
            Assert.Equal(expected[q].Select(n => n.Score), actual.Results[q].Scores);
        }
    }

    /// <summary>An nprobe beyond every bucket's clusters scans them all: with every bucket probed, that is exact search.</summary>
    [Fact]
    public async Task AnNProbeBeyondEveryClusterOfEveryBucketIsExactSearch()
    {
        const string index = "twin-float32";
        await Twins.GetOrAdd(
            IndexStorage.Float32,
            s => Within.Phase(
                $"first build of '{index}'",
                fixture.Hyperd.Client.BuildAsync(index, new BuildRequest(fixture.Data.Path, Clusters: 200, Storage: s))));
        float[] rows = Engine.Io.VectorFile.Open(fixture.Data.Path).ReadRows(0, fixture.Data.Count);
        VectorMath.NormalizeRows(rows, TestData.Dimensions, 0, "test rows");
        Neighbor[][] exact = ExactSearch.Search(rows, TestData.Dimensions, fixture.Data.Queries, 10).Neighbors;

        SearchResponse all = await fixture.Hyperd.Client.SearchRowsAsync(index, fixture.Data.Queries, 10, new SearchOptions(8, 1_000_000));

        Neighbor[][] found = [.. all.Results.Select(r => r.Ids.Zip(r.Scores, (id, score) => new Neighbor(id, score)).ToArray())];
        Assert.Equal(1.0, Recall.AtK(found, exact, 10), 6);
    }

    /// <summary>
    /// Defaults set through the SDK (what <c>hyperd tune --cluster</c> records) land in the manifest the engine reads and
    /// in every coordinator's route: a query that names no options then gets the engine's answer at those defaults,
    /// which differ from the build's (6, 50) answers. A rebuild keeps them.
    /// </summary>
    [Fact]
    public async Task DefaultsSetThroughTheClientAreWhatTheClusterSearchesWith()
    {
        const string index = "tuned-defaults";
        HyperdClient client = fixture.Hyperd.Client;
        IndexStatus built = await fixture.Hyperd.BuildAsync(index, fixture.Data);
        Assert.Equal(new IndexDefaults(SearchParameters.DefaultLshProbes, SearchParameters.DefaultNProbe), built.Defaults);
        QueryResult[] before = (await client.SearchRowsAsync(index, fixture.Data.Queries, 10)).Results;

        var tuning = new IndexTuning(0.9, 10, 200, 0.91, 1234, DateTimeOffset.UtcNow);
        IndexStatus tuned = await client.SetDefaultsAsync(index, new IndexDefaults(2, 1, tuning));
        Assert.Equal(new IndexDefaults(2, 1, tuning), tuned.Defaults);

        using VectorIndex engine = VectorIndex.Open(Path.Combine(fixture.Hyperd.StoreRoot, index));
        Assert.Equal(new SearchParameters(2, 1), engine.DefaultParameters);
        Neighbor[][] expected = engine.SearchBatch(fixture.Data.Queries, 10, engine.DefaultParameters);
        string expectedIds = IdsOf(expected.Select(e => e.Select(n => n.Id)));
        Assert.NotEqual(IdsOf(before.Select(r => r.Ids)), expectedIds);

        // Coordinators re-read the manifest every RouteRefreshInterval (200 ms in this cluster).
        await Within.Eventually("coordinators use the new defaults", async () =>
        {
            QueryResult[] now = (await client.SearchRowsAsync(index, fixture.Data.Queries, 10)).Results;
            return IdsOf(now.Select(r => r.Ids)) == expectedIds;
        });

        await Assert.ThrowsAsync<ArgumentException>(() => client.SetDefaultsAsync(index, new IndexDefaults(9, 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SetDefaultsAsync(index, new IndexDefaults(2, 0)));

        IndexStatus rebuilt = await Within.Phase("rebuild", client.BuildAsync(index, new BuildRequest()));
        Assert.Equal(built.Generation + 1, rebuilt.Generation);
        Assert.Equal(new IndexDefaults(2, 1, tuning), rebuilt.Defaults);
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

    private static string IdsOf(IEnumerable<IEnumerable<long>> results) => string.Join(";", results.Select(r => string.Join(",", r)));
}
