using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// Indexes made from the client alone: created empty, filled by upserts of any size, built by themselves once enough rows
/// are pending, listed and dropped. Recall is checked against exact search over the same rows.
/// </summary>
public sealed class CollectionTests : IAsyncLifetime
{
    private const int FirstBuildRows = 2_000;
    private const int K = 10;
    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(2, configure: o =>
        {
            o.FirstBuildRows = FirstBuildRows;
            o.RebuildPendingFraction = 0.25;
        });
        _data = new TestData(_hyperd.Root, 12_000);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    private HyperdClient Client => _hyperd.Client;

    [Fact]
    public async Task AnEmptyIndexFilledByUpsertsAnswersExactlyBeforeItsFirstBuild()
    {
        const string index = "created";
        IndexStatus created = await Client.CreateIndexAsync(index, TestData.Dimensions);
        Assert.True(created.Exists);
        Assert.Equal(0, created.Count);

        float[] rows = BaseRows(1_000);
        MutationResult upserted = await Client.UpsertAsync(index, Ids(1_000), rows);
        Assert.Equal(1_000, upserted.Applied);
        Assert.False(upserted.RebuildScheduled);
        IndexStatus status = await Client.StatusAsync(index);
        Assert.Equal(1_000, status.PendingOperations);
        Assert.Equal(created.Generation, status.Generation);

        // Before the first build every row sits in one bucket that every query probes: exact answers.
        Assert.Equal(1.0, await RecallAsync(index, rows), 3);
    }

    [Fact]
    public async Task UpsertChunksCountFieldValuesToo_SoLongTextsGoInSeveralAppends()
    {
        const string index = "long-texts";
        await Client.CreateIndexAsync(index, TestData.Dimensions, [new DataField("body", DataFieldType.String)]);
        (IGrainFactory grains, AppendCounter counter) = AppendCounter.Wrap(_hyperd.Cluster.Client);
        var client = new HyperdClient(grains);

        // 1,000 rows of 8 KiB of text each: 8 MiB of values and 96 KiB of vectors, over two chunks of 4 MiB.
        const int rows = 1_000;
        object?[][] bodies = [.. Enumerable.Range(0, rows).Select(i => new object?[] { new string((char)('a' + i % 26), 4_096) })];
        MutationResult upserted = await client.UpsertAsync(index, Ids(rows), BaseRows(rows), bodies);
        Assert.Equal(rows, upserted.Applied);
        Assert.True(counter.Appends.Count >= 2, $"one upsert of 8 MiB of texts went in {counter.Appends.Count} append(s)");
        Assert.All(counter.Appends, n => Assert.True(n * (4_096 * 2 + TestData.Dimensions * 4) <= HyperdClient.UpsertChunkBytes + 16 * 1024));
        Assert.Equal(rows, counter.Appends.Sum());
        StoredRow[] back = await Client.GetAsync(index, [0, rows - 1]);
        Assert.Equal(bodies[rows - 1][0], back[1].Fields![0]);

        // Without fields a chunk is 10,000 rows (the vectors are far under 4 MiB).
        (grains, counter) = AppendCounter.Wrap(_hyperd.Cluster.Client);
        await new HyperdClient(grains).CreateIndexAsync("plain-rows", TestData.Dimensions);
        await new HyperdClient(grains).UpsertAsync("plain-rows", Ids(_data.Count), BaseRows(_data.Count));
        Assert.Equal([HyperdClient.UpsertChunkRows, _data.Count - HyperdClient.UpsertChunkRows], counter.Appends);
    }

    [Fact]
    public async Task AnIndexFilledPastTheFirstBuildThresholdBuildsByItself_AndKeepsItsRecall()
    {
        const string index = "grown";
        IndexStatus created = await Client.CreateIndexAsync(index, TestData.Dimensions);
        float[] rows = BaseRows(_data.Count);

        // More than one chunk (10,000 rows each): the first crosses the threshold and schedules the build.
        MutationResult upserted = await Client.UpsertAsync(index, Ids(_data.Count), rows);
        Assert.Equal(_data.Count, upserted.Applied);
        Assert.True(upserted.RebuildScheduled);

        IndexStatus built = await Within.Phase("the first build", Client.WaitForRebuildAsync(index, created.Generation + 1));
        Assert.True(built.Generation > created.Generation);
        Assert.True(built.Count >= HyperdClient.UpsertChunkRows, $"the first build holds {built.Count} rows");
        Assert.Equal(_data.Count, built.Count + built.PendingOperations);
        Assert.True(built.Buckets.Count(b => b.Count > 0) > 1, "the first build fits planes that spread the rows over the buckets");

        double recall = await RecallAsync(index, rows);
        Assert.True(recall >= 0.95, $"recall@{K} after the first build is {recall:F3}");
    }

    [Fact]
    public async Task ABuiltIndexRebuildsOncePendingRowsReachAQuarterOfItsRows()
    {
        const string index = "by-fraction";
        IndexStatus built = await _hyperd.BuildAsync(index, _data, clusters: 40);
        int quarter = _data.Count / 4; // 3,000: above the first-build rows (2,000), so the fraction decides
        float[] rows = BaseRows(quarter);
        long[] ids = [.. Enumerable.Range(0, quarter).Select(i => 100_000L + i)];

        MutationResult below = await Client.UpsertAsync(index, ids[..^1], rows[..^TestData.Dimensions]);
        Assert.False(below.RebuildScheduled);
        MutationResult reached = await Client.UpsertAsync(index, ids[^1..], rows[^TestData.Dimensions..]);
        Assert.True(reached.RebuildScheduled);

        IndexStatus rebuilt = await Within.Phase("the rebuild by fraction", Client.WaitForRebuildAsync(index, built.Generation + 1));
        Assert.Equal(built.Generation + 1, rebuilt.Generation);
        Assert.Equal(_data.Count + quarter, rebuilt.Count);
    }

    [Fact]
    public async Task IndexesAreListed_AndADroppedIndexLeavesNothingBehind()
    {
        await Client.CreateIndexAsync("listed-a", TestData.Dimensions);
        await Client.CreateIndexAsync("listed-b", 8);
        await _hyperd.BuildAsync("listed-c", _data, clusters: 40);
        await Client.AppendAsync("listed-a", [1, 2], [.. BaseRows(2)]);

        IndexSummary[] all = await Client.ListIndexesAsync();
        Assert.Equal(["listed-a", "listed-b", "listed-c"], all.Select(i => i.Name).Where(n => n.StartsWith("listed-", StringComparison.Ordinal)));
        Assert.Equal(8, all.Single(i => i.Name == "listed-b").Dimensions);

        Assert.True(await Client.DropIndexAsync("listed-a"));
        Assert.DoesNotContain("listed-a", (await Client.ListIndexesAsync()).Select(i => i.Name));
        Assert.False(Directory.Exists(Path.Combine(_hyperd.StoreRoot, "listed-a"))
            && Directory.EnumerateFiles(Path.Combine(_hyperd.StoreRoot, "listed-a"), "*", SearchOption.AllDirectories).Any());
        Assert.False((await Client.StatusAsync("listed-a")).Exists);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Client.SearchAsync("listed-a", _data.Query(0), K));
        Assert.False(await Client.DropIndexAsync("listed-a"));

        // The name is free again, with other dimensions and none of the old rows.
        await Client.CreateIndexAsync("listed-a", 8);
        Assert.Equal(0, (await Client.StatusAsync("listed-a")).PendingOperations);
        Assert.True(await Client.DropIndexAsync("listed-c"));
        Assert.DoesNotContain(
            Directory.EnumerateFiles(_hyperd.StoreRoot, "*", SearchOption.AllDirectories),
            f => f.Contains($"{Path.DirectorySeparatorChar}listed-c{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, "between 1 and")]
    [InlineData(8, "exists with 24 dimensions, not 8")]
    public async Task ACreateThatCannotBeHonouredIsRefused(int dimensions, string message)
    {
        string index = $"refused-{dimensions}";
        await Client.CreateIndexAsync(index, TestData.Dimensions);
        Assert.Equal(TestData.Dimensions, (await Client.CreateIndexAsync(index, TestData.Dimensions)).Dimensions); // the same again: fine

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateIndexAsync(index, dimensions));
        Assert.Contains(message, refused.Message);
    }

    /// <summary>Recall@k of the index over 32 test queries against exact search over <paramref name="rows"/> (ids are row numbers).</summary>
    private async Task<double> RecallAsync(string index, float[] rows)
    {
        const int queries = 32;
        float[] unit = [.. rows];
        VectorMath.NormalizeRows(unit, TestData.Dimensions, 0, "test rows");
        float[] asked = _data.Queries[..(queries * TestData.Dimensions)];
        ExactSearch.Result exact = ExactSearch.Search(unit, TestData.Dimensions, asked, K);
        SearchResponse answer = await Client.SearchRowsAsync(index, asked, K);
        Neighbor[][] found = [.. answer.Results.Select(r => r.Ids.Zip(r.Scores, (id, score) => new Neighbor(id, score)).ToArray())];
        return Recall.AtK(found, exact.Neighbors, K);
    }

    private float[] BaseRows(int count) => VectorFile.Open(_data.Path).ReadRows(0, count);

    private static long[] Ids(int count) => [.. Enumerable.Range(0, count).Select(i => (long)i)];
}
