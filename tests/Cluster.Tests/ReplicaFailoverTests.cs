using System.Collections.Concurrent;
using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Silo;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Placement;
using Xunit.Abstractions;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// A silo killed under load, with two replicas of every bucket: searches fail over to the other replica (none fails, recall is
/// unchanged) and every acknowledged append is found afterwards. Production membership timeouts, grain state in files.
/// </summary>
public sealed class ReplicaFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int SearchLoops = 4;

    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(
            3,
            fileGrainStorage: true,
            membership: AzureSiloConfiguration.ApplyProductionTimeouts,
            configure: o => o.Replicas = 2);
        _data = new TestData(_hyperd.Root, 20_000);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    /// <param name="indexSilo">Whether the killed silo also runs both index grains (the single writer and the coordinators' manifest).</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KillingASiloThatHostsReplicasFailsNoSearchAndLosesNoAcknowledgedAppend(bool indexSilo)
    {
        const string index = "failover";
        const string writes = "failover-writes";

        // The victim is never the first silo (the test client's gateway); both index grains are pinned to it or to the first.
        var victim = _hyperd.Cluster.Silos[^1];
        RequestContext.Set(IPlacementDirector.PlacementHintKey, (indexSilo ? victim : _hyperd.Cluster.Silos[0]).SiloAddress);

        try
        {
            await _hyperd.BuildAsync(index, _data, clusters: 100);
            await _hyperd.BuildAsync(writes, _data, clusters: 40);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        // Every bucket probed, so every search needs a replica of every bucket, the killed silo's among them.
        var everyBucket = new SearchOptions(LshHasher.BucketCount, 3);
        QueryResult[] before = (await _hyperd.Client.SearchRowsAsync(index, _data.Queries, 10, everyBucket)).Results;
        double recallBefore = Recall(before);

        IndexStatus status = await _hyperd.Client.StatusAsync(index);
        string victimAddress = victim.SiloAddress.ToString();
        Assert.Equal(indexSilo, status.Silo == victimAddress);
        Assert.Equal(indexSilo, (await _hyperd.Client.StatusAsync(writes)).Silo == victimAddress);
        int hosted = status.Buckets.Count(b => b.ReplicaSilos!.Contains(victimAddress));
        Assert.True(hosted > 0, $"silo {victimAddress} hosts no replica of '{index}'");

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var latencies = new ConcurrentBag<double>();
        int searches = 0;
        // Straight to the gateway silo's coordinator, not through the SDK (which resends a search lost with a silo): what is tested
        // is that the coordinator fails over between replicas.
        ISearchCoordinatorGrain coordinator = _hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>()
            .GetGrain<ISearchCoordinatorGrain>(0);
        Task[] loops = [.. Enumerable.Range(0, SearchLoops).Select(loop => Task.Run(async () =>
        {
            for (int i = loop; !stop.IsCancellationRequested; i += SearchLoops)
            {
                long started = Stopwatch.GetTimestamp();
                try
                {
                    SearchResponse response = await coordinator.SearchAsync(index, new SearchRequest(_data.Query(i % 64), 10, everyBucket));
                    Assert.Equal(before[i % 64].Ids, response.Results[0].Ids);
                    Interlocked.Increment(ref searches);
                }
                catch (Exception e)
                {
                    failures.Enqueue($"{e.GetType().Name}: {e.Message}");
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }))];

        var appends = AppendLoad.Start(_hyperd.Client, writes, stop.Token);

        await Within.Eventually("the load to warm the coordinators' latency windows", () => Task.FromResult(searches >= 200));
        int beforeKill = searches;
        await Within.Phase("killing a silo that hosts replicas", _hyperd.Cluster.KillSiloAsync(victim));
        var afterKill = Stopwatch.StartNew();

        // Long enough for the silo to be declared dead and its replicas to re-activate on the survivors.
        await Within.Eventually(
            "20 s of load after the kill", () => Task.FromResult(afterKill.Elapsed > TimeSpan.FromSeconds(20)), TimeSpan.FromSeconds(60));
        stop.Cancel();
        await Task.WhenAll([.. loops, appends.Running]);

        double[] sorted = [.. latencies.Order()];
        output.WriteLine($"{searches} searches ({searches - beforeKill} after the kill of {victimAddress}, which hosted {hosted} replicas"
            + $"{(indexSilo ? " and the index grains" : "")}); "
            + $"failed {failures.Count}; p50 {sorted[sorted.Length / 2]:F0} ms, p99 {sorted[(int)(sorted.Length * 0.99)]:F0} ms, "
            + $"max {sorted[^1]:F0} ms; {appends.Acknowledged.Count} rows appended, {appends.Failures.Count} appends failed");
        Assert.True(failures.IsEmpty, $"{failures.Count} searches failed: {string.Join(" | ", failures.Take(5))}");

        QueryResult[] after = (await _hyperd.Client.SearchRowsAsync(index, _data.Queries, 10, everyBucket)).Results;
        double recallAfter = Recall(after);
        output.WriteLine($"recall@10 vs brute force: {recallBefore:F4} before, {recallAfter:F4} after");
        Assert.Equal(recallBefore, recallAfter);

        await appends.AssertEveryAcknowledgedRowIsFoundAsync(_hyperd.Client, writes, everyBucket);

        IndexStatus healed = await _hyperd.Client.StatusAsync(index);
        Assert.DoesNotContain(healed.Buckets, b => b.ReplicaSilos!.Contains(victimAddress));
    }

    /// <summary>
    /// The index grain's silo dies with replicas of its buckets; their next activations cannot load (every download is held). The
    /// index grain's next activation hears one replica per shard and takes writes: it does not wait for the loading ones.
    /// </summary>
    [Fact]
    public async Task AnIndexGrainThatReactivatesBesideReplicasStillLoading_TakesWritesWithoutWaitingForThem()
    {
        const string index = "reactivation";
        var victim = _hyperd.Cluster.Silos[^1]; // not the test client's gateway
        RequestContext.Set(IPlacementDirector.PlacementHintKey, victim.SiloAddress);
        try
        {
            await _hyperd.BuildAsync(index, _data, clusters: 40);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        IndexStatus status = await _hyperd.Client.StatusAsync(index);
        string victimAddress = victim.SiloAddress.ToString();
        Assert.Equal(victimAddress, status.Silo);
        Assert.Contains(status.Buckets, b => b.ReplicaSilos!.Contains(victimAddress));

        _hyperd.Store.DownloadHold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await Within.Phase("killing the index grain's silo", _hyperd.Cluster.KillSiloAsync(victim));
            long[] ids = [.. Enumerable.Range(0, 10).Select(i => 70_000L + i)];
            float[] rows = [.. Enumerable.Range(0, 10).SelectMany(_data.ExtraRow)];

            // Death detection takes about 6 s here; the silo's response timeout (30 s) is what a wait for a loading replica costs.
            var clock = Stopwatch.StartNew();
            MutationResult appended = await _hyperd.Client.AppendAsync(index, ids, rows, timeout: TimeSpan.FromSeconds(25));
            output.WriteLine($"append acknowledged {clock.Elapsed.TotalSeconds:F1} s after the kill, replicas still loading");
            Assert.Equal(ids.Length, appended.Applied);
            Assert.False(_hyperd.Store.DownloadHold.Task.IsCompleted);

            _hyperd.Store.DownloadHold.SetResult();
            var everyBucket = new SearchOptions(LshHasher.BucketCount, 40);
            for (int i = 0; i < ids.Length; i++)
            {
                QueryResult hit = await _hyperd.Client.SearchAsync(index, _data.ExtraRow(i), 1, everyBucket);
                Assert.Equal(ids[i], hit.Ids[0]);
            }
        }
        finally
        {
            _hyperd.Store.DownloadHold?.TrySetResult();
            _hyperd.Store.DownloadHold = null;
        }
    }

    private double Recall(QueryResult[] results)
    {
        float[] rows = Engine.Io.VectorFile.Open(_data.Path).ReadRows(0, _data.Count);
        VectorMath.NormalizeRows(rows, TestData.Dimensions, 0, "test rows");
        int d = TestData.Dimensions;
        int hits = 0;
        for (int q = 0; q < results.Length; q++)
        {
            float[] query = _data.Query(q);
            VectorMath.NormalizeRows(query, d, 0, "query");
            var truth = Enumerable.Range(0, _data.Count)
                .Select(r => (Id: (long)r, Score: System.Numerics.Tensors.TensorPrimitives.Dot(rows.AsSpan(r * d, d), query)))
                .OrderByDescending(x => x.Score).Take(10).Select(x => x.Id).ToHashSet();
            hits += results[q].Ids.Count(truth.Contains);
        }

        return (double)hits / (10 * results.Length);
    }
}
