using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// Three silos, two replicas of every shard. Each test builds the same rows twice, one index with whole buckets and one with every
/// bucket split into shards (by request, or by the cluster's rule: its size cap is set low here), and checks that the two answer
/// alike: searches, filtered searches, reads, after writes and after a rebuild.
/// </summary>
public sealed class ShardTests : IAsyncLifetime
{
    private const int Replicas = 2;
    private const int D = TestData.Dimensions;

    /// <summary>With 10,000 rows (about 1,250 a bucket) the rule splits each bucket into 3 shards.</summary>
    private const long MaxRowsPerShard = 600;

    private static readonly DataField[] Schema =
    [
        new("category", DataFieldType.String, IsIndexed: true),
        new("band", DataFieldType.Long, IsIndexed: true),
    ];

    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(3, configure: o =>
        {
            o.Replicas = Replicas;
            o.MaxRowsPerShard = MaxRowsPerShard;
            o.FirstBuildRows = 1_000_000;
        });
        _data = new TestData(_hyperd.Root, 10_000);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    private HyperdClient Client => _hyperd.Client;

    [Fact]
    public async Task AShardedIndexAnswersAsTheUnshardedOne_AfterWritesAndAfterARebuild()
    {
        IndexStatus whole = await Within.Phase("whole build", Client.BuildAsync("whole", new BuildRequest(_data.Path, Clusters: 200, Shards: 1)));
        IndexStatus split = await Within.Phase("split build", Client.BuildAsync("split", new BuildRequest(_data.Path, Clusters: 200)));
        Assert.All(whole.Buckets, b => Assert.Equal(1, b.Shards));
        Assert.All(split.Buckets.Where(b => b.Count > 0), b => Assert.Equal(3, b.Shards));
        Assert.Equal(whole.Buckets.Select(b => (b.Count, b.Clusters)), split.Buckets.Select(b => (b.Count, b.Clusters)));
        await AssertSameAnswersAsync("the first build");

        // Writes: appended rows (pending, on each bucket's first shard), replaced file rows and deleted ones (hidden on every shard).
        foreach (string index in new[] { "whole", "split" })
        {
            await Client.AppendAsync(index, [.. Enumerable.Range(0, 40).Select(i => 50_000L + i)], _data.Extra[..(40 * D)]);
            await Client.AppendAsync(index, [3, 4, 5], _data.Extra[(40 * D)..(43 * D)]);
            await Client.DeleteAsync(index, [.. Enumerable.Range(100, 300).Select(i => (long)i), 50_001]);
        }

        await AssertSameAnswersAsync("the writes");
        StoredRow[] wholeRows = await Client.GetAsync("whole", [3, 150, 50_000, 50_001, 9_999, 42], includeVectors: true);
        StoredRow[] splitRows = await Client.GetAsync("split", [3, 150, 50_000, 50_001, 9_999, 42], includeVectors: true);
        Assert.Equal([3L, 50_000, 9_999, 42], splitRows.Select(r => r.Id));
        Assert.Equal(wholeRows.Select(r => (r.Id, string.Join(",", r.Vector!))), splitRows.Select(r => (r.Id, string.Join(",", r.Vector!))));

        // A rebuild from the index's own data splits again by the same rule.
        IndexStatus rebuilt = await Within.Phase("split rebuild", Client.BuildAsync("split", new BuildRequest()));
        await Within.Phase("whole rebuild", Client.BuildAsync("whole", new BuildRequest()));
        Assert.Equal(split.Generation + 1, rebuilt.Generation);
        Assert.All(rebuilt.Buckets.Where(b => b.Count > 0), b => Assert.Equal(3, b.Shards));
        await AssertSameAnswersAsync("the rebuild");
    }

    [Fact]
    public async Task EveryShardsReplicasRunOnDistinctSilos_AndAFixedShardCountIsKeptByTheNextRebuild()
    {
        await Within.Phase("build", Client.BuildAsync("spread", new BuildRequest(_data.Path, Clusters: 200, Shards: 2)));
        IndexStatus status = await Client.StatusAsync("spread"); // with where every replica runs
        foreach (BucketSummary bucket in status.Buckets.Where(b => b.Count > 0))
        {
            Assert.Equal(2, bucket.Shards);
            Assert.Equal(2 * Replicas, bucket.ReplicaSilos!.Length);
            foreach (string[] shard in bucket.ReplicaSilos.Chunk(Replicas))
            {
                Assert.All(shard, s => Assert.False(string.IsNullOrEmpty(s)));
                Assert.True(shard.Distinct().Count() == Replicas, $"bucket {bucket.Bucket}: {string.Join(", ", shard)}");
            }
        }

        Assert.Equal(3, status.Buckets.SelectMany(b => b.ReplicaSilos!).Distinct().Count());

        // The build ran a training job per bucket, then a job per shard, spread over every silo.
        int buckets = status.Buckets.Count(b => b.Count > 0);
        Assert.Equal(LshHasher.BucketCount + (2 * buckets), status.LastRebuild!.JobSilos.Length);
        Assert.Equal(3, status.LastRebuild.JobSilos.Distinct().Count());
        IndexStatus rebuilt = await Within.Phase("rebuild", Client.BuildAsync("spread", new BuildRequest()));
        Assert.All(rebuilt.Buckets.Where(b => b.Count > 0), b => Assert.Equal(2, b.Shards));

        var bad = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.BuildAsync("spread", new BuildRequest(Shards: 65)));
        Assert.Contains("shards per bucket must be between 0", bad.Message);
    }

    [Fact]
    public async Task FilteredSearchesAndReadsOfAShardedCollectionEqualTheUnshardedOnes()
    {
        float[] vectors = VectorFile.Open(_data.Path).ReadRows(0, _data.Count);
        long[] ids = [.. Enumerable.Range(0, _data.Count).Select(i => (long)i)];
        object?[][] values = [.. Enumerable.Range(0, _data.Count).Select(i => new object?[] { $"c{i % 10}", (long)(i * 7 % 100) })];
        foreach ((string index, int shards) in new[] { ("fields-whole", 1), ("fields-split", 3) })
        {
            await Client.CreateIndexAsync(index, D, Schema);
            await Client.UpsertAsync(index, ids, vectors, values);
            await Within.Phase($"build {index}", Client.BuildAsync(index, new BuildRequest(Clusters: 200, Shards: shards)));
            await Client.DeleteAsync(index, [.. Enumerable.Range(0, 50).Select(i => (long)(i * 13))]);
        }

        // Wide (probes widen over matches), narrow (an exact scan of every shard's matches), and with fields returned.
        FieldFilter[] filters =
        [
            new FieldEqual("category", "c3"),
            new FieldRange("band", FieldRangeOperator.LessThan, 2L) & new FieldEqual("category", "c0"),
            !new FieldEqual("category", "c1"),
        ];
        foreach (FieldFilter filter in filters)
        {
            var request = new SearchRequest(_data.Queries, 10, Filter: filter, IncludeFields: true);
            SearchResponse whole = await Client.SearchRowsAsync("fields-whole", request);
            SearchResponse split = await Client.SearchRowsAsync("fields-split", request);
            for (int q = 0; q < whole.Results.Length; q++)
            {
                Assert.Equal(whole.Results[q].Ids, split.Results[q].Ids);
                Assert.Equal(whole.Results[q].Scores, split.Results[q].Scores);
                Assert.Equal(whole.Results[q].Fields!.Select(f => string.Join("|", f)), split.Results[q].Fields!.Select(f => string.Join("|", f)));
            }

            StoredRow[] wholeRows = await Client.QueryAsync("fields-whole", filter, top: 300, skip: 20);
            StoredRow[] splitRows = await Client.QueryAsync("fields-split", filter, top: 300, skip: 20);
            Assert.NotEmpty(splitRows);
            Assert.Equal(wholeRows.Select(r => r.Id), splitRows.Select(r => r.Id));
        }
    }

    private async Task AssertSameAnswersAsync(string after)
    {
        SearchOptions?[] cases = [null, new SearchOptions(3, 4), new SearchOptions(LshHasher.BucketCount, 20, SearchBudget.PerBucket)];
        foreach (SearchOptions? options in cases)
        {
            // Several rounds, so both replicas of every shard answer some.
            for (int round = 0; round < 3; round++)
            {
                SearchResponse whole = await Client.SearchRowsAsync("whole", _data.Queries, 10, options);
                SearchResponse split = await Client.SearchRowsAsync("split", _data.Queries, 10, options);
                for (int q = 0; q < whole.Results.Length; q++)
                {
                    Assert.True(
                        whole.Results[q].Ids.SequenceEqual(split.Results[q].Ids),
                        $"after {after}, query {q} with {options}: "
                        + $"{string.Join(",", whole.Results[q].Ids)} vs {string.Join(",", split.Results[q].Ids)}");
                    Assert.Equal(whole.Results[q].Scores, split.Results[q].Scores);
                }
            }
        }
    }
}
