namespace HyperdOrleans.VectorData.Tests;

/// <summary>
/// Vector search against brute force over the same records (the collection stays below its first build, so answers are exact): the order
/// and cosine scores, top and skip, and the unit vectors IncludeVectors returns.
/// </summary>
[Collection(VectorDataClusterCollection.Name)]
public sealed class SearchTests(VectorDataCluster hyperd)
{
    private const int Count = 150;

    [Fact]
    public async Task HitsAreTheBruteForceTopByCosine_WithCosineScores_AndSkipPages()
    {
        HyperdCollection<long, Product<long>> products = await FilledAsync();
        float[] query = TestRecords.Vector(10_001);
        (long Key, float Score)[] truth = [.. TestRecords.Many(Count)
            .Select(p => (p.Key, Score: TestRecords.Cosine(query, p.Vector.Span)))
            .OrderByDescending(h => h.Score)];

        VectorSearchResult<Product<long>>[] top = await products.SearchAsync(query, 10).ToArrayAsync();
        Assert.Equal(truth[..10].Select(h => h.Key), top.Select(h => h.Record.Key));
        for (int i = 0; i < top.Length; i++)
        {
            Assert.Equal(truth[i].Score, top[i].Score!.Value, 4);
        }

        VectorSearchResult<Product<long>>[] page = await products
            .SearchAsync(new ReadOnlyMemory<float>(query), 5, new VectorSearchOptions<Product<long>> { Skip = 10 })
            .ToArrayAsync();
        Assert.Equal(truth[10..15].Select(h => h.Key), page.Select(h => h.Record.Key));

        VectorSearchResult<Product<long>>[] past = await products
            .SearchAsync(query, 5, new VectorSearchOptions<Product<long>> { Skip = Count - 2 })
            .ToArrayAsync();
        Assert.Equal(truth[^2..].Select(h => h.Key), past.Select(h => h.Record.Key));
        CrudTests.AssertSameFields(TestRecords.Make((int)top[0].Record.Key, top[0].Record.Key), top[0].Record);
    }

    [Fact]
    public async Task IncludedVectorsAreTheUnitVectorsOfTheInput_FromSearchAndGet()
    {
        HyperdCollection<long, Product<long>> products = await FilledAsync();
        VectorSearchResult<Product<long>>[] plain = await products.SearchAsync(TestRecords.Vector(3), 3).ToArrayAsync();
        Assert.All(plain, h => Assert.True(h.Record.Vector.IsEmpty));

        VectorSearchResult<Product<long>>[] hits = await products
            .SearchAsync(TestRecords.Vector(3), 3, new VectorSearchOptions<Product<long>> { IncludeVectors = true })
            .ToArrayAsync();
        Assert.Equal(3L, hits[0].Record.Key);
        foreach (VectorSearchResult<Product<long>> hit in hits)
        {
            float[] unit = TestRecords.Unit(TestRecords.Vector((int)hit.Record.Key));
            Assert.Equal(unit, hit.Record.Vector.ToArray(), new FloatTolerance(1e-5f));
        }

        Product<long>? read = await products.GetAsync(8, new RecordRetrievalOptions { IncludeVectors = true });
        Assert.Equal(TestRecords.Unit(TestRecords.Vector(8)), read!.Vector.ToArray(), new FloatTolerance(1e-5f));
        Assert.Equal(1.0, Math.Sqrt(read.Vector.ToArray().Sum(x => (double)x * x)), 5);

        Product<long>[] filtered = await products
            .GetAsync(p => p.Band == 1, 3, new FilteredRecordRetrievalOptions<Product<long>> { IncludeVectors = true })
            .ToArrayAsync();
        Assert.All(filtered, p => Assert.Equal(TestRecords.Unit(TestRecords.Vector((int)p.Key)), p.Vector.ToArray(), new FloatTolerance(1e-5f)));
    }

    [Fact]
    public async Task AScoreThresholdDropsWeakerHits()
    {
        HyperdCollection<long, Product<long>> products = await FilledAsync();
        VectorSearchResult<Product<long>>[] all = await products.SearchAsync(TestRecords.Vector(3), 20).ToArrayAsync();
        double threshold = all[4].Score!.Value;
        VectorSearchResult<Product<long>>[] kept = await products
            .SearchAsync(TestRecords.Vector(3), 20, new VectorSearchOptions<Product<long>> { ScoreThreshold = threshold })
            .ToArrayAsync();
        Assert.Equal(all.TakeWhile(h => h.Score >= threshold).Select(h => h.Record.Key), kept.Select(h => h.Record.Key));
    }

    private async Task<HyperdCollection<long, Product<long>>> FilledAsync()
    {
        HyperdCollection<long, Product<long>> products = hyperd.Store.GetCollection<long, Product<long>>("search");
        if (!await products.CollectionExistsAsync())
        {
            await products.EnsureCollectionExistsAsync();
            await products.UpsertAsync(TestRecords.Many(Count));
        }

        return products;
    }
}
