using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;
using Microsoft.Extensions.DependencyInjection;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>Three silos, two replicas of every bucket: where they run, what they answer, and that writes and rebuilds reach both.</summary>
public sealed class ReplicaTests : IAsyncLifetime
{
    private const int Replicas = 2;

    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;

    private IGrainFactory Grains => _hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>(); // bucket grains are internal

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(3, configure: o => o.Replicas = Replicas);
        _data = new TestData(_hyperd.Root, 10_000);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    [Fact]
    public async Task EveryBucketsReplicasRunOnDistinctSilosAndStatusShowsWhere()
    {
        const string index = "replica-placement";
        await _hyperd.BuildAsync(index, _data, clusters: 40);
        IndexStatus status = await _hyperd.Client.StatusAsync(index);

        Assert.Equal(LshHasher.BucketCount, status.Buckets.Length);
        foreach (BucketSummary bucket in status.Buckets)
        {
            Assert.NotNull(bucket.ReplicaSilos);
            Assert.Equal(Replicas, bucket.ReplicaSilos.Length);
            Assert.All(bucket.ReplicaSilos, s => Assert.False(string.IsNullOrEmpty(s)));
            Assert.True(bucket.ReplicaSilos.Distinct().Count() == Replicas, $"bucket {bucket.Bucket}: {string.Join(", ", bucket.ReplicaSilos)}");

            BucketStatus[] replicas = await ReplicaStatusesAsync(index, bucket.Bucket);
            Assert.Equal(bucket.ReplicaSilos, replicas.Select(r => r.Silo));
            Assert.Equal([0, 1], replicas.Select(r => r.Replica));
            Assert.All(replicas, r => Assert.Equal(status.Generation, r.Generation));
            Assert.All(replicas, r => Assert.Equal(bucket.Count, r.Count));
        }

        // Replicas spread over the whole cluster, not two silos.
        Assert.Equal(3, status.Buckets.SelectMany(b => b.ReplicaSilos!).Distinct().Count());
    }

    /// <summary>
    /// Each replica answers a bucket request exactly as its sibling does, and the cluster's answers equal the engine's on the
    /// same generation's files, which is what a single-replica cluster returns (<see cref="ClusterSearchTests"/>).
    /// </summary>
    [Fact]
    public async Task AnswersEqualTheSingleReplicaAnswersAndTheReplicasAgree()
    {
        const string index = "replica-answers";
        IndexStatus status = await _hyperd.BuildAsync(index, _data, clusters: 200);

        using VectorIndex engine = VectorIndex.Open(Path.Combine(_hyperd.StoreRoot, index));
        Assert.Equal(status.Generation, engine.Generation);
        SearchOptions?[] cases = [null, new SearchOptions(3, 4), new SearchOptions(LshHasher.BucketCount, 20, SearchBudget.PerBucket)];
        foreach (SearchOptions? options in cases)
        {
            SearchParameters defaults = engine.DefaultParameters;
            var parameters = new SearchParameters(
                options?.LshProbes ?? defaults.LshProbes,
                options?.NProbe ?? defaults.NProbe,
                defaults.Rerank,
                (ProbeBudget)(options?.Budget ?? SearchBudget.Shared));
            Neighbor[][] expected = engine.SearchBatch(_data.Queries, 10, parameters);

            // Several rounds, so the coordinator's round robin asks both replicas of every bucket.
            for (int round = 0; round < 4; round++)
            {
                SearchResponse actual = await _hyperd.Client.SearchRowsAsync(index, _data.Queries, 10, options);
                for (int q = 0; q < expected.Length; q++)
                {
                    Assert.Equal(expected[q].Select(n => n.Id), actual.Results[q].Ids);
                    Assert.Equal(expected[q].Select(n => n.Score), actual.Results[q].Scores);
                }
            }
        }

        float[] unit = UnitRows(_data.Queries);
        foreach (BucketSummary bucket in status.Buckets)
        {
            // Every query scans every cluster of the bucket.
            int c = bucket.Clusters;
            var request = new BucketSearchRequest(
                status.Generation, TestData.Dimensions, unit, 10, 4, [.. Enumerable.Range(0, 65).Select(q => q * c)], Repeat(c, 64), WaitReady: true);
            BucketSearchResult[] answers = await Task.WhenAll(Enumerable.Range(0, Replicas)
                .Select(r => Grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, bucket.Bucket, r)).SearchAsync(request)));
            Assert.All(answers, a => Assert.False(a.Stale || a.NotReady));
            for (int q = 0; q < 64; q++)
            {
                Assert.Equal(answers[0].Results[q].Ids, answers[1].Results[q].Ids);
                Assert.Equal(answers[0].Results[q].Scores, answers[1].Results[q].Scores);
            }
        }
    }

    [Fact]
    public async Task AppendsReachEveryReplicaAndARebuildCommitsOnEvery()
    {
        const string index = "replica-writes";
        IndexStatus first = await _hyperd.BuildAsync(index, _data, clusters: 40);
        long[] ids = [.. Enumerable.Range(0, 16).Select(i => 900_000L + i)];
        float[] rows = [.. Enumerable.Range(0, ids.Length).SelectMany(_data.ExtraRow)];
        await _hyperd.Client.AppendAsync(index, ids, rows);
        await _hyperd.Client.DeleteAsync(index, [0, 1, 2]);

        // Each replica, asked directly with no clusters (its pending rows only), finds every appended row that hashed to it.
        float[] unit = UnitRows(rows);
        var found = new HashSet<long>();
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            var request = new BucketSearchRequest(
                first.Generation, TestData.Dimensions, unit, 1, 4, new int[ids.Length + 1], [], WaitReady: true);
            BucketSearchResult[] answers = await Task.WhenAll(Enumerable.Range(0, Replicas)
                .Select(r => Grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, b, r)).SearchAsync(request)));
            for (int q = 0; q < ids.Length; q++)
            {
                Assert.Equal(answers[0].Results[q].Ids, answers[1].Results[q].Ids);
                if (answers[0].Results[q].Count > 0 && answers[0].Results[q].Ids[0] == ids[q])
                {
                    Assert.Equal(1f, answers[1].Results[q].Scores[0], 4);
                    found.Add(ids[q]);
                }
            }

            BucketStatus[] statuses = await ReplicaStatusesAsync(index, b);
            Assert.Equal(statuses[0].PendingRows, statuses[1].PendingRows);
            Assert.Equal(statuses[0].AppliedSequence, statuses[1].AppliedSequence);
            Assert.Equal(statuses[0].PendingOperations, statuses[1].PendingOperations);
        }

        Assert.Equal(ids, found.Order());

        IndexStatus rebuilt = await Within.Phase("the rebuild", _hyperd.Client.BuildAsync(index, new BuildRequest()));
        Assert.True(rebuilt.Generation > first.Generation);
        Assert.Equal(_data.Count + ids.Length - 3, rebuilt.Count);
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            BucketStatus[] statuses = await ReplicaStatusesAsync(index, b);
            Assert.All(statuses, s => Assert.Equal(rebuilt.Generation, s.Generation));
            Assert.All(statuses, s => Assert.Equal(rebuilt.Buckets[b].Count, s.Count));
            Assert.All(statuses, s => Assert.Equal(0, s.PendingRows));
        }

        for (int i = 0; i < ids.Length; i++)
        {
            Assert.Equal(ids[i], (await _hyperd.Client.SearchAsync(index, _data.ExtraRow(i), 1)).Ids[0]);
        }
    }

    private Task<BucketStatus[]> ReplicaStatusesAsync(string index, int bucket) => Task.WhenAll(Enumerable.Range(0, Replicas)
        .Select(r => Grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, bucket, r)).StatusAsync()));

    private static int[] Repeat(int clusters, int queries) => [.. Enumerable.Range(0, queries).SelectMany(_ => Enumerable.Range(0, clusters))];

    private static float[] UnitRows(float[] rows)
    {
        float[] unit = [.. rows];
        VectorMath.NormalizeRows(unit, TestData.Dimensions, 0, "test rows");
        return unit;
    }
}
