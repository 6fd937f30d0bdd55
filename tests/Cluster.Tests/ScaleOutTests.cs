using System.Collections.Concurrent;
using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Lsh;
using Xunit.Abstractions;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// Scale-out and scale-in while serving: an index of 8 buckets × 2 shards × 2 replicas on three silos, under searches and
/// appends through the SDK. A silo joins and the balancer moves shard replicas onto it; then a silo leaves gracefully and its
/// replicas move to the others. No search or append fails, answers do not change, every acknowledged row is found.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int SearchLoops = 3;
    private const int Replicas = 2;
    private const int Shards = 2;

    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(
            3,
            fileGrainStorage: true,
            configure: o =>
            {
                o.Replicas = Replicas;
                o.BucketBalanceInterval = TimeSpan.FromMilliseconds(300);
            });
        _data = new TestData(_hyperd.Root, 10_000);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    [Fact]
    public async Task ASiloJoiningAndOneLeavingGracefullyUnderLoadFailNoSearchAndNoAppend()
    {
        const string index = "scale";
        const string writes = "scale-writes";
        await Within.Phase("build", _hyperd.Client.BuildAsync(index, new BuildRequest(_data.Path, Clusters: 100, Shards: Shards)));
        await Within.Phase("build writes", _hyperd.Client.BuildAsync(writes, new BuildRequest(_data.Path, Clusters: 40, Shards: Shards)));
        var everyBucket = new SearchOptions(LshHasher.BucketCount, 4);
        QueryResult[] before = (await _hyperd.Client.SearchRowsAsync(index, _data.Queries, 10, everyBucket)).Results;

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var latencies = new ConcurrentBag<double>();
        int searches = 0;
        Task[] loops = [.. Enumerable.Range(0, SearchLoops).Select(loop => Task.Run(async () =>
        {
            for (int i = loop; !stop.IsCancellationRequested; i += SearchLoops)
            {
                long started = Stopwatch.GetTimestamp();
                try
                {
                    QueryResult result = await _hyperd.Client.SearchAsync(index, _data.Query(i % 64), 10, everyBucket);
                    if (!result.Ids.SequenceEqual(before[i % 64].Ids))
                    {
                        failures.Enqueue($"query {i % 64} answered {string.Join(",", result.Ids)}, not {string.Join(",", before[i % 64].Ids)}");
                    }

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

        await Within.Eventually("some load before the join", () => Task.FromResult(searches >= 100));
        var joined = await Within.Phase("a silo joining", _hyperd.Cluster.StartAdditionalSiloAsync());
        string newcomer = joined.SiloAddress.ToString();
        int moved = 0;
        await Within.Eventually("shard replicas to move onto the new silo", async () =>
        {
            string[][] placement = await PlacementAsync(index);
            moved = placement.Sum(b => b.Count(s => s == newcomer));
            return moved >= (placement.Sum(b => b.Length) / 4) - 1 && Distinct(placement); // its even share of four silos
        }, TimeSpan.FromSeconds(60));
        int afterJoin = searches;

        var leaving = _hyperd.Cluster.Silos[1];
        string leaver = leaving.SiloAddress.ToString();
        await Within.Phase("a silo leaving gracefully", _hyperd.Cluster.StopSiloAsync(leaving));
        await Within.Eventually("its replicas to move to the others", async () =>
        {
            string[][] placement = await PlacementAsync(index);
            return placement.All(b => !b.Contains(leaver) && !b.Contains("")) && Distinct(placement);
        }, TimeSpan.FromSeconds(60));
        int afterLeave = searches;
        await Within.Eventually("more load after the leave", () => Task.FromResult(searches >= afterLeave + 100));
        stop.Cancel();
        await Task.WhenAll([.. loops, appends.Running]);

        double[] sorted = [.. latencies.Order()];
        output.WriteLine($"{searches} searches ({afterJoin} until the join settled with {moved} shard replicas on {newcomer}, {afterLeave} until "
            + $"{leaver} left); failed {failures.Count}; p50 {sorted[sorted.Length / 2]:F1} ms, p99 {sorted[(int)(sorted.Length * 0.99)]:F1} ms, "
            + $"max {sorted[^1]:F0} ms; {appends.Acknowledged.Count} rows appended, {appends.Failures.Count} appends failed");
        Assert.True(failures.IsEmpty, $"{failures.Count} searches failed: {string.Join(" | ", failures.Take(5))}");
        Assert.True(appends.Failures.Count == 0, $"{appends.Failures.Count} appends failed: {string.Join(" | ", appends.Failures.Take(5))}");
        await appends.AssertEveryAcknowledgedRowIsFoundAsync(_hyperd.Client, writes, everyBucket);
    }

    /// <summary>Where each replica of each shard runs, per bucket (shard-major), as the index's status says.</summary>
    private async Task<string[][]> PlacementAsync(string index) =>
        [.. (await _hyperd.Client.StatusAsync(index)).Buckets.Where(b => b.Count > 0).Select(b => b.ReplicaSilos!)];

    /// <summary>Whether every shard's replicas run on distinct silos.</summary>
    private static bool Distinct(string[][] placement) =>
        placement.All(bucket => bucket.Chunk(Replicas).All(shard => shard.Distinct().Count() == Replicas));
}
