namespace HyperdOrleans.VectorData.Tests;

/// <summary>Collections are indexes: created once, listed, checked, deleted; a name or shape the index cannot take is refused.</summary>
[Collection(VectorDataClusterCollection.Name)]
public sealed class CollectionManagementTests(VectorDataCluster hyperd)
{
    [Fact]
    public async Task ACollectionIsCreatedOnce_Listed_AndDeleted_AndDeletingAMissingOneIsFine()
    {
        HyperdCollection<long, Product<long>> products = hyperd.Store.GetCollection<long, Product<long>>("managed");
        Assert.False(await products.CollectionExistsAsync());
        Assert.False(await hyperd.Store.CollectionExistsAsync("managed"));

        await products.EnsureCollectionExistsAsync();
        await products.EnsureCollectionExistsAsync();
        await products.UpsertAsync(TestRecords.Make(1, 1L));
        await products.EnsureCollectionExistsAsync();
        Assert.NotNull(await products.GetAsync(1));
        Assert.True(await products.CollectionExistsAsync());
        Assert.True(await hyperd.Store.CollectionExistsAsync("managed"));
        Assert.Contains("managed", await hyperd.Store.ListCollectionNamesAsync().ToArrayAsync());
        Assert.Equal(Product<long>.Dimensions, (await hyperd.Client.StatusAsync("managed")).Dimensions);

        await products.EnsureCollectionDeletedAsync();
        Assert.False(await products.CollectionExistsAsync());
        Assert.DoesNotContain("managed", await hyperd.Store.ListCollectionNamesAsync().ToArrayAsync());
        await products.EnsureCollectionDeletedAsync();
        await hyperd.Store.EnsureCollectionDeletedAsync("managed");

        await products.EnsureCollectionExistsAsync();
        await hyperd.Store.EnsureCollectionDeletedAsync("managed");
        Assert.False(await hyperd.Store.CollectionExistsAsync("managed"));
    }

    [Fact]
    public async Task AnExistingIndexOfAnotherShapeIsRefused()
    {
        await hyperd.Client.CreateIndexAsync("other-dims", 3);
        var dims = await Assert.ThrowsAsync<ArgumentException>(
            () => hyperd.Store.GetCollection<long, Product<long>>("other-dims").EnsureCollectionExistsAsync());
        Assert.Contains("exists with 3 dimensions", dims.Message);

        await hyperd.Client.CreateIndexAsync("other-fields", Product<long>.Dimensions, [new("Category", Abstractions.DataFieldType.Long)]);
        var fields = await Assert.ThrowsAsync<ArgumentException>(
            () => hyperd.Store.GetCollection<long, Product<long>>("other-fields").EnsureCollectionExistsAsync());
        Assert.Contains("other data fields", fields.Message);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    public void ANameTheIndexCannotTakeIsRefused(string name)
    {
        var refused = Assert.Throws<ArgumentException>(() => hyperd.Store.GetCollection<long, Product<long>>(name));
        Assert.Contains($"'{name}' is not valid", refused.Message);
    }

    [Fact]
    public async Task TheStoreRegistersOverTheContainersClient()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, hyperd.Client);
        services.AddHyperdVectorStore();
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);

        VectorStore store = (VectorStore)provider.GetService(typeof(VectorStore))!;
        Assert.Same(provider.GetService(typeof(HyperdVectorStore)), store);
        Assert.Same(hyperd.Client, store.GetService(typeof(HyperdClient)));
        Assert.Equal(HyperdVectorStore.SystemName, ((VectorStoreMetadata)store.GetService(typeof(VectorStoreMetadata))!).VectorStoreSystemName);
        await store.GetCollection<long, Product<long>>("from-container").EnsureCollectionExistsAsync();
        Assert.Contains("from-container", await store.ListCollectionNamesAsync().ToArrayAsync());
    }
}
