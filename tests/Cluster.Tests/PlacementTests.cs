using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;
using Microsoft.Extensions.DependencyInjection;

namespace HyperdOrleans.Cluster.Tests;

[Collection(SharedClusterCollection.Name)]
public sealed class PlacementTests(SharedClusterFixture fixture)
{
    [Fact]
    public async Task BucketGrainsAndBuildJobsLandOnMoreThanOneSilo()
    {
        const string index = "placement";
        IndexStatus status = await fixture.Hyperd.BuildAsync(index, fixture.Data);

        Assert.NotNull(status.LastRebuild);
        Assert.True(status.LastRebuild.Succeeded);
        Assert.Equal(LshHasher.BucketCount, status.LastRebuild.JobSilos.Length);
        Assert.True(status.LastRebuild.JobSilos.Distinct().Count() > 1, $"build jobs all ran on {status.LastRebuild.JobSilos[0]}");

        await fixture.Hyperd.Client.SearchAsync(index, fixture.Data.Query(0), 10);
        // Bucket grains are internal (clients may not call them): ask from inside a silo.
        IGrainFactory grains = fixture.Hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        BucketStatus[] buckets = await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount)
            .Select(b => grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, b)).StatusAsync()));
        Assert.True(buckets.Select(b => b.Silo).Distinct().Count() > 1, $"bucket grains all live on {buckets[0].Silo}");
        Assert.All(buckets, b => Assert.Equal(status.Generation, b.Generation));
        Assert.Equal(fixture.Data.Count, buckets.Sum(b => b.Count));
    }

    [Fact]
    public async Task OneClientsSearchesAreCoordinatedOnEverySilo()
    {
        const string index = "client-spread";
        await fixture.Hyperd.BuildAsync(index, fixture.Data);
        // The Orleans client sends each grain's calls through one gateway: the SDK's searches take turns over coordinator keys.
        await AssertServedOnEverySiloAsync(
            nameof(ISearchCoordinatorGrain) + "." + nameof(ISearchCoordinatorGrain.SearchAsync),
            "48 searches of one client were coordinated",
            async () =>
            {
                for (int q = 0; q < 48; q++)
                {
                    await fixture.Hyperd.Client.SearchAsync(index, fixture.Data.Query(q % 16), 10);
                }
            });
    }

    [Fact]
    public async Task OneClientsWritesEnterThroughEverySilo_AndAllLand()
    {
        const string index = "client-write-spread";
        await fixture.Hyperd.BuildAsync(index, fixture.Data);
        // As with searches, one grain key would put every write of a client, and its retries, through one gateway.
        long[] ids = [.. Enumerable.Range(0, 24).Select(i => 80_000L + i)];
        await AssertServedOnEverySiloAsync(
            nameof(IWriteRouterGrain) + "." + nameof(IWriteRouterGrain.AppendAsync),
            "24 appends of one client entered",
            async () =>
            {
                foreach (long id in ids)
                {
                    await fixture.Hyperd.Client.AppendAsync(index, [id], fixture.Data.ExtraRow((int)(id - ids[0])));
                }
            });
        var everyBucket = new SearchOptions(LshHasher.BucketCount, 50);
        for (int i = 0; i < ids.Length; i++)
        {
            Assert.Equal(ids[i], (await fixture.Hyperd.Client.SearchAsync(index, fixture.Data.ExtraRow(i), 1, everyBucket)).Ids[0]);
        }
    }

    /// <summary>Runs <paramref name="calls"/> and asserts that every silo served <paramref name="method"/> at least once meanwhile.</summary>
    private async Task AssertServedOnEverySiloAsync(string method, string what, Func<Task> calls)
    {
        IReadOnlyDictionary<string, int> before = fixture.Hyperd.Log.SilosOf(method);
        await calls();
        IReadOnlyDictionary<string, int> after = fixture.Hyperd.Log.SilosOf(method);
        string[] served = [.. after.Where(s => s.Value > before.GetValueOrDefault(s.Key)).Select(s => s.Key)];
        Assert.True(
            served.Length == fixture.Hyperd.Cluster.Silos.Count,
            $"{what} on {served.Length} of {fixture.Hyperd.Cluster.Silos.Count} silos: {string.Join(", ", served)}");
    }

    [Fact]
    public async Task QueriesFlowFromTwoSilosAtOnce()
    {
        const string index = "two-silos";
        await fixture.Hyperd.BuildAsync(index, fixture.Data);

        // A call made inside a silo reaches that silo's own stateless-worker activation, as client calls through its gateway do.
        var silos = fixture.Hyperd.Cluster.Silos.Take(2).ToArray();
        var factories = silos.Select(s => s.ServiceProvider.GetRequiredService<IGrainFactory>()).ToArray();
        string[] where = await Task.WhenAll(factories.Select(f => f.GetGrain<ISearchCoordinatorGrain>(0).WhereAsync()));
        Assert.Equal(silos.Select(s => s.SiloAddress.ToString()), where);

        // Both silos' loops run together; each waits for the other's first answer before finishing, so they overlap.
        var firstAnswers = silos.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        async Task<int> Loop(int me)
        {
            var coordinator = factories[me].GetGrain<ISearchCoordinatorGrain>(0);
            int answered = 0;
            for (int i = 0; i < 40; i++)
            {
                SearchResponse response = await coordinator.SearchAsync(index, new SearchRequest(fixture.Data.Query(i % 64), 10));
                Assert.Equal(10, response.Results[0].Count);
                answered++;
                firstAnswers[me].TrySetResult();
            }

            await Within.Phase($"the other silo's first answer (loop {me})", firstAnswers[1 - me].Task);
            return answered;
        }

        int[] answered = await Within.Phase("queries from two silos", Task.WhenAll(Task.Run(() => Loop(0)), Task.Run(() => Loop(1))));
        Assert.Equal([40, 40], answered);
    }
}
