namespace HyperdOrleans.VectorData.Tests;

/// <summary>What the connector cannot do is refused with an exception that names it; nothing is evaluated on the client.</summary>
[Collection(VectorDataClusterCollection.Name)]
public sealed class ErrorTests(VectorDataCluster hyperd)
{
    [Fact]
    public async Task AFilterThatCannotBeTranslatedIsRefusedNamingThePart()
    {
        HyperdCollection<long, Product<long>> products = await CollectionAsync();
        var startsWith = await Assert.ThrowsAsync<NotSupportedException>(
            () => products.GetAsync(p => p.Category!.StartsWith("c"), 10).ToArrayAsync().AsTask());
        Assert.Contains("StartsWith", startsWith.Message);

        var modulo = await Assert.ThrowsAsync<NotSupportedException>(
            () => products.SearchAsync(TestRecords.Vector(1), 3, new VectorSearchOptions<Product<long>> { Filter = p => p.Band % 2 == 0 })
                .ToArrayAsync().AsTask());
        Assert.Contains("p.Band % 2", modulo.Message);

        var key = await Assert.ThrowsAsync<NotSupportedException>(() => products.GetAsync(p => p.Key > 3, 10).ToArrayAsync().AsTask());
        Assert.Contains("'Key', which is the key", key.Message);

        var list = await Assert.ThrowsAsync<NotSupportedException>(() => products.GetAsync(p => p.Labels == null, 10).ToArrayAsync().AsTask());
        Assert.Contains("filter it with Contains", list.Message);
    }

    [Fact]
    public async Task AFilterOnAFieldThatIsNotIndexedIsRefusedByTheCluster()
    {
        HyperdCollection<long, Product<long>> products = await CollectionAsync();
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => products.GetAsync(p => p.Title == "product 1", 10).ToArrayAsync().AsTask());
        Assert.Contains("'Title', which is not indexed", refused.Message);
    }

    [Fact]
    public async Task AVectorOfOtherDimensionsIsRefused()
    {
        HyperdCollection<long, Product<long>> products = await CollectionAsync();
        Product<long> wide = TestRecords.Make(1, 1L);
        wide.Vector = new float[Product<long>.Dimensions + 1];
        var upsert = await Assert.ThrowsAsync<ArgumentException>(() => products.UpsertAsync(wide));
        Assert.Contains("9 dimensions; collection vectors have 8", upsert.Message);

        var search = await Assert.ThrowsAsync<ArgumentException>(() => products.SearchAsync(new float[3], 3).ToArrayAsync().AsTask());
        Assert.Contains("3 dimensions", search.Message);

        var text = await Assert.ThrowsAsync<NotSupportedException>(() => products.SearchAsync("text", 3).ToArrayAsync().AsTask());
        Assert.Contains("'string'", text.Message);
    }

    [Fact]
    public void ModelsTheIndexCannotHoldAreRefused()
    {
        var euclidean = Assert.Throws<NotSupportedException>(() => hyperd.Store.GetCollection<long, EuclideanRecord>("euclidean"));
        Assert.Contains("EuclideanDistance", euclidean.Message);
        Assert.Contains("CosineSimilarity only", euclidean.Message);

        Exception twoVectors = Assert.ThrowsAny<Exception>(() => hyperd.Store.GetCollection<long, TwoVectorRecord>("two-vectors"));
        Assert.True(twoVectors is NotSupportedException or InvalidOperationException, twoVectors.ToString());
        Assert.Contains("vector", twoVectors.Message, StringComparison.OrdinalIgnoreCase);

        var key = Assert.Throws<NotSupportedException>(() => hyperd.Store.GetCollection<ulong, UlongKeyRecord>("ulong-key"));
        Assert.Contains("long, int, string or Guid", key.Message);
    }

    private async Task<HyperdCollection<long, Product<long>>> CollectionAsync()
    {
        HyperdCollection<long, Product<long>> products = hyperd.Store.GetCollection<long, Product<long>>("errors");
        await products.EnsureCollectionExistsAsync();
        await products.UpsertAsync(TestRecords.Many(10));
        return products;
    }

    public sealed class EuclideanRecord
    {
        [VectorStoreKey]
        public long Key { get; set; }

        [VectorStoreVector(4, DistanceFunction = DistanceFunction.EuclideanDistance)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }

    public sealed class TwoVectorRecord
    {
        [VectorStoreKey]
        public long Key { get; set; }

        [VectorStoreVector(4)]
        public ReadOnlyMemory<float> First { get; set; }

        [VectorStoreVector(4)]
        public ReadOnlyMemory<float> Second { get; set; }
    }

    public sealed class UlongKeyRecord
    {
        [VectorStoreKey]
        public ulong Key { get; set; }

        [VectorStoreVector(4)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }
}
