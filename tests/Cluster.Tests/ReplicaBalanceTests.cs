using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;
using Microsoft.Extensions.DependencyInjection;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// With two replicas per bucket and one silo left, both replicas of every bucket share it; when two silos join, the balancer
/// separates them and spreads the replicas, never putting two of one bucket on one silo.
/// </summary>
public sealed class ReplicaBalanceTests : IAsyncLifetime
{
    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(
            3,
            fileGrainStorage: true,
            configure: o =>
            {
                o.Replicas = 2;
                o.BucketBalanceInterval = TimeSpan.FromMilliseconds(300);
            });
        _data = new TestData(_hyperd.Root, 5_000);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    [Fact]
    public async Task ReplicasThatGatheredOnOneSiloSeparateAndSpreadWhenSilosJoin()
    {
        const string index = "replica-balance";
        await _hyperd.BuildAsync(index, _data, clusters: 40);
        QueryResult before = await _hyperd.Client.SearchAsync(index, _data.Query(2), 10);

        foreach (var silo in _hyperd.Cluster.Silos.Skip(1).ToList())
        {
            await Within.Phase("stopping a secondary silo", _hyperd.Cluster.StopSiloAsync(silo));
        }

        Assert.Equal(before.Ids, (await _hyperd.Client.SearchAsync(index, _data.Query(2), 10)).Ids);
        Assert.Single((await PlacementAsync()).Select(r => r.Silo).Distinct());

        await Within.Phase("two silos joining", Task.WhenAll(_hyperd.Cluster.StartAdditionalSiloAsync(), _hyperd.Cluster.StartAdditionalSiloAsync()));
        await Within.Eventually("the replicas to separate and spread over the three silos", async () =>
        {
            _ = await _hyperd.Client.StatusAsync(index); // keeps the index grain, whose timer balances, active
            BucketStatus[] replicas = await PlacementAsync();
            int[] load = [.. replicas.GroupBy(r => r.Silo).Select(g => g.Count())];
            return replicas.GroupBy(r => r.Bucket).All(g => g.Select(r => r.Silo).Distinct().Count() == 2)
                && load.Length == 3 && load.Max() - load.Min() <= 1;
        });

        Assert.Equal(before.Ids, (await _hyperd.Client.SearchAsync(index, _data.Query(2), 10)).Ids);
        IndexStatus status = await _hyperd.Client.StatusAsync(index);
        Assert.All(status.Buckets, b => Assert.Equal(2, b.ReplicaSilos!.Distinct().Count()));
    }

    private Task<BucketStatus[]> PlacementAsync()
    {
        IGrainFactory grains = _hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        return Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount * 2)
            .Select(i => grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index: "replica-balance", i / 2, i % 2)).StatusAsync()));
    }
}
