using HyperdOrleans.Abstractions;
using HyperdOrleans.Evaluation.Data;
using Xunit.Abstractions;

namespace HyperdOrleans.VectorData.Tests;

/// <summary>
/// A collection past the first-build threshold builds by itself; filtered searches through the connector then keep their recall@10
/// against a filtered brute force over the same records (synthetic clustered vectors, as the cluster's own recall tests use).
/// </summary>
[Collection(VectorDataClusterCollection.Name)]
public sealed class RecallTests(VectorDataCluster hyperd, ITestOutputHelper output)
{
    private const int Count = 12_000;
    private const int Dimensions = 24;
    private const int Queries = 32;
    private const int K = 10;

    [Fact]
    public async Task AFilteredSearchAfterTheFirstBuildKeepsItsRecall()
    {
        HyperdCollection<long, Point> points = hyperd.Store.GetCollection<long, Point>("recall");
        await points.EnsureCollectionExistsAsync();
        long created = (await hyperd.Client.StatusAsync("recall")).Generation;
        float[] rows = Rows(new SyntheticData(SyntheticKind.Clustered, Dimensions, seed: 3, centers: 200), Count);
        Point[] records = [.. Enumerable.Range(0, Count).Select(i => new Point
        {
            Id = i,
            Group = i % 4,
            Vector = rows.AsMemory(i * Dimensions, Dimensions),
        })];
        await points.UpsertAsync(records);

        IndexStatus built = null!;
        await Within.Eventually("the first build of 'recall'", async () =>
        {
            built = await hyperd.Client.StatusAsync("recall");
            return built.Generation > created && built.Rebuild is null;
        }, TimeSpan.FromSeconds(120));
        Assert.True(built.Count >= VectorDataCluster.FirstBuildRows, $"the first build holds {built.Count} rows");

        float[] queries = Rows(new SyntheticData(SyntheticKind.Clustered, Dimensions, seed: 3, SyntheticData.Stream.Queries, centers: 200), Queries);
        Point[] kept = [.. records.Where(p => p.Group == 1)];
        double found = 0;
        for (int q = 0; q < Queries; q++)
        {
            ReadOnlyMemory<float> query = queries.AsMemory(q * Dimensions, Dimensions);
            long[] truth = [.. kept.OrderByDescending(p => TestRecords.Cosine(query.Span, p.Vector.Span)).Take(K).Select(p => p.Id)];
            VectorSearchResult<Point>[] hits = await points
                .SearchAsync(query, K, new VectorSearchOptions<Point> { Filter = p => p.Group == 1 })
                .ToArrayAsync();
            Assert.All(hits, h => Assert.Equal(1, h.Record.Group));
            found += hits.Count(h => truth.Contains(h.Record.Id));
        }

        double recall = found / (Queries * K);
        output.WriteLine($"recall@{K} of 'Group == 1' over {Queries} queries after the first build: {recall:F3}");
        Assert.True(recall >= 0.95, $"recall@{K} {recall:F3}");
    }

    private static float[] Rows(SyntheticData data, int count)
    {
        var rows = new float[count * Dimensions];
        data.Fill(rows);
        return rows;
    }

    public sealed class Point
    {
        [VectorStoreKey]
        public long Id { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int Group { get; set; }

        [VectorStoreVector(Dimensions)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }
}
