using HyperdOrleans.Abstractions;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;
using HyperdOrleans.Grains.Build;
using HyperdOrleans.Grains.Catalog;
using HyperdOrleans.Grains.Index;
using Microsoft.Extensions.DependencyInjection;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// A client reaches only the client contract (IIndexGrain, ISearchCoordinatorGrain, IIndexCatalogGrain); the grains behind it
/// are internal.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ClientContractTests(SharedClusterFixture fixture)
{
    private const string Index = "client-contract";

    private IClusterClient Client => fixture.Hyperd.Cluster.Client;

    [Fact]
    public async Task AClientCallingABucketGrainIsRefused()
    {
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(
            () => Client.GetGrain<IBucketGrain>(GrainKeys.Bucket(Index, 0)).StatusAsync());
        Assert.Contains(typeof(IBucketGrain).FullName!, refused.Message);
        Assert.Contains("internal", refused.Message);
    }

    [Fact]
    public async Task AClientCallingTheRoutingGrainIsRefused()
    {
        // The index grain implements both interfaces: the routing one stays internal.
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(
            () => Client.GetGrain<IIndexRoutingGrain>(Index).GetManifestAsync());
        Assert.Contains(typeof(IIndexRoutingGrain).FullName!, refused.Message);
    }

    [Fact]
    public async Task AClientCallingABuildJobGrainIsRefused()
    {
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(
            () => Client.GetGrain<IBuildJobGrain>(GrainKeys.BuildJob(Index, 1, 0)).GetStatusAsync());
        Assert.Contains(typeof(IBuildJobGrain).FullName!, refused.Message);
    }

    [Fact]
    public async Task AClientMayReadTheCatalogButNotWriteIt()
    {
        // The catalog grain implements both interfaces: listing is the client's, entering and removing indexes the silos'.
        Assert.NotNull(await Client.GetGrain<IIndexCatalogGrain>(0).ListAsync());
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(
            () => Client.GetGrain<IIndexCatalogWriter>(0).UnregisterAsync(Index));
        Assert.Contains(typeof(IIndexCatalogWriter).FullName!, refused.Message);
    }

    [Fact]
    public async Task AClientCallingTheManagementGrainIsRefused()
    {
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(
            () => Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true));
        Assert.Contains(typeof(IManagementGrain).FullName!, refused.Message);
    }

    [Fact]
    public async Task TheClientContractStillWorks()
    {
        await fixture.Hyperd.BuildAsync(Index, fixture.Data);

        IndexStatus status = await Client.GetGrain<IIndexGrain>(Index).StatusAsync();
        Assert.Equal(fixture.Data.Count, status.Count);
        SearchResponse found = await Client.GetGrain<ISearchCoordinatorGrain>(0).SearchAsync(Index, new SearchRequest(fixture.Data.Query(0), 10));
        Assert.Equal(10, found.Results[0].Count);
    }

    [Fact]
    public async Task ASiloSideCallToABucketGrainStillWorks()
    {
        IGrainFactory inside = fixture.Hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        BucketStatus bucket = await inside.GetGrain<IBucketGrain>(GrainKeys.Bucket($"{Index}-inside", 0)).StatusAsync();
        Assert.False(string.IsNullOrEmpty(bucket.Silo));
    }
}
