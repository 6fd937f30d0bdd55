using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;
using Microsoft.Extensions.DependencyInjection;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>Buckets that gathered on one silo while the others were away spread back once they return.</summary>
public sealed class BucketBalanceTests : IAsyncLifetime
{
    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(
            3,
            fileGrainStorage: true,
            configure: o => o.BucketBalanceInterval = TimeSpan.FromMilliseconds(300));
        _data = new TestData(_hyperd.Root, 5_000);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    [Fact]
    public async Task BucketsSpreadBackOverTheSilosAfterTheyReturn()
    {
        const string index = "balance";
        await _hyperd.BuildAsync(index, _data, clusters: 40);
        QueryResult before = await _hyperd.Client.SearchAsync(index, _data.Query(2), 10);

        foreach (var silo in _hyperd.Cluster.Silos.Skip(1).ToList())
        {
            await Within.Phase("stopping a secondary silo", _hyperd.Cluster.StopSiloAsync(silo));
        }

        Assert.Equal(before.Ids, (await _hyperd.Client.SearchAsync(index, _data.Query(2), 10)).Ids);
        Assert.Single((await PlacementAsync()).Keys);

        await Within.Phase("two silos joining", Task.WhenAll(_hyperd.Cluster.StartAdditionalSiloAsync(), _hyperd.Cluster.StartAdditionalSiloAsync()));
        await Within.Eventually("the buckets to spread over the three silos", async () =>
        {
            _ = await _hyperd.Client.StatusAsync(index); // keeps the index grain, whose timer balances, active
            Dictionary<string, int> placement = await PlacementAsync();
            return placement.Count == 3 && placement.Values.Max() - placement.Values.Min() <= 1;
        });
        Assert.Equal(before.Ids, (await _hyperd.Client.SearchAsync(index, _data.Query(2), 10)).Ids);

        async Task<Dictionary<string, int>> PlacementAsync()
        {
            IGrainFactory grains = _hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
            BucketStatus[] statuses = await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount)
                .Select(b => grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, b)).StatusAsync()));
            return statuses.GroupBy(s => s.Silo).ToDictionary(g => g.Key, g => g.Count());
        }
    }
}
