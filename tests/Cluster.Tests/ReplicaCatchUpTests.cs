using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;
using Microsoft.Extensions.DependencyInjection;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// A replica that missed a generation switch (its prepare and commit failed, as when its silo died then) is not a failed
/// rebuild, never serves the older generation to a search of the newer one, and opens the manifest's generation: before
/// applying an append, when a search asks for the newer generation, and when it activates again.
/// </summary>
public sealed class ReplicaCatchUpTests : IAsyncLifetime
{
    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;

    private IGrainFactory Grains => _hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(3, configure: o => o.Replicas = 2);
        _data = new TestData(_hyperd.Root, 10_000);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    [Fact]
    public async Task AReplicaThatMissedACommitOpensTheManifestsGeneration()
    {
        const string index = "missed-commit";
        IndexStatus first = await _hyperd.BuildAsync(index, _data, clusters: 40);

        // Rebuild while replica 1 of bucket 0 cannot prepare or commit: the rebuild still succeeds (replica 0 took it).
        IndexStatus second = await RebuildMissingAsync(index, 0);
        Assert.Equal(first.Generation, (await StatusAsync(index, 0, 1)).Generation);

        // An append carries the index's generation: the replica opens it before applying.
        await _hyperd.Client.AppendAsync(index, [777_000], _data.ExtraRow(0));
        BucketStatus caughtUp = await StatusAsync(index, 0, 1);
        Assert.Equal(second.Generation, caughtUp.Generation);
        Assert.Equal(second.Buckets[0].Count, caughtUp.Count);

        // Next: replica 1 of bucket 1 misses a commit; replica 1 of bucket 2 too, and is then deactivated.
        IndexStatus third = await RebuildMissingAsync(index, 1, 2);
        await _hyperd.Cluster.DeactivateAsync(Replica(index, 2, 1));
        await Within.Eventually("replica 1 of bucket 2 to open the manifest's generation on activation", async () =>
            (await StatusAsync(index, 2, 1)).Generation == third.Generation);

        // Searches of the new generation never get the old one from replica 1 of bucket 1: it answers stale, another replica
        // answers, and the stale request makes it catch up.
        using VectorIndex engine = VectorIndex.Open(Path.Combine(_hyperd.StoreRoot, index));
        Assert.Equal(third.Generation, engine.Generation);
        var everyBucket = new SearchOptions(LshHasher.BucketCount, 40);
        var parameters = new SearchParameters(LshHasher.BucketCount, 40, engine.DefaultParameters.Rerank, ProbeBudget.Shared);
        Neighbor[][] expected = engine.SearchBatch(_data.Queries, 10, parameters);
        for (int round = 0; round < 4; round++)
        {
            SearchResponse response = await _hyperd.Client.SearchRowsAsync(index, _data.Queries, 10, everyBucket);
            Assert.Equal(third.Generation, response.Generation);
            for (int q = 0; q < expected.Length; q++)
            {
                Assert.Equal(expected[q].Select(n => n.Id).Where(id => id != 777_000), response.Results[q].Ids.Where(id => id != 777_000));
            }
        }

        await Within.Eventually("replica 1 of bucket 1 to open the manifest's generation after a search asked for it", async () =>
            (await StatusAsync(index, 1, 1)).Generation == third.Generation);
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            Assert.Equal(third.Buckets[b].Count, (await StatusAsync(index, b, 1)).Count);
        }

        Assert.Equal(777_000, (await _hyperd.Client.SearchAsync(index, _data.ExtraRow(0), 1, everyBucket)).Ids[0]);
    }

    private async Task<IndexStatus> RebuildMissingAsync(string index, params int[] buckets)
    {
        foreach (int b in buckets)
        {
            _hyperd.Calls.Arm(GrainKeys.Bucket(index, b, 1), nameof(IBucketGrain.PrepareGenerationAsync));
            _hyperd.Calls.Arm(GrainKeys.Bucket(index, b, 1), nameof(IBucketGrain.CommitGenerationAsync));
        }

        IndexStatus rebuilt = await Within.Phase("a rebuild with replicas that miss it", _hyperd.Client.BuildAsync(index, new BuildRequest()));
        Assert.True(rebuilt.LastRebuild!.Succeeded, rebuilt.LastRebuild.Error);
        return rebuilt;
    }

    private IBucketGrain Replica(string index, int bucket, int replica) => Grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, bucket, replica));

    private Task<BucketStatus> StatusAsync(string index, int bucket, int replica) => Replica(index, bucket, replica).StatusAsync();
}
