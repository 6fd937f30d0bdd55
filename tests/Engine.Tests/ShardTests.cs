using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Evaluation.Data;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// A bucket built into shards holds the same clusters and rows as the same bucket built whole, and scanning its shards with the
/// plan split by <see cref="ShardSplit"/> gives the same top k as scanning the whole bucket.
/// </summary>
public sealed class ShardTests : IDisposable
{
    private const int D = 16;
    private const int Rows = 6_000;
    private const int K = 10;
    private readonly TempDirectory _folder = new("shards");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void AShardedBucketAnswersAsTheWholeBucket(int shards)
    {
        string spill = WriteSpill();
        var options = new IndexBuildOptions { Clusters = 40, ClustersPerSqrtN = 0, MinPointsPerCluster = 20, Seed = 3 };
        BucketManifest whole = BucketBuilder.Build(0, spill, Rows, D, _folder.File("whole"), "g1", options, threads: 1);
        BucketManifest split = BucketBuilder.Build(0, spill, Rows, D, _folder.File("split"), "g1", options, threads: 1, shards: shards);

        Assert.Null(whole.Shards);
        Assert.Equal(shards, split.ShardCount);
        Assert.Equal(whole.Clusters, split.Clusters);
        Assert.Equal(whole.Count, split.Count);
        Assert.Equal(whole.CentroidsChecksum, split.CentroidsChecksum);
        Assert.Equal(split.Clusters, split.Shards!.Sum(s => s.Clusters));
        Assert.Equal(split.Count, split.Shards!.Sum(s => s.Count));
        Assert.All(split.Shards!, s => Assert.True(s.Count > 0));

        // Rows spread evenly: no shard holds more than twice its share.
        Assert.All(split.Shards!, s => Assert.True(s.Count <= 2 * Rows / shards, $"shard of {s.Count} rows of {Rows}"));

        using BucketIndex reference = BucketIndex.Open(_folder.File("whole"), whole, D, verify: true);
        var parts = new BucketIndex[shards];
        try
        {
            for (int s = 0; s < shards; s++)
            {
                parts[s] = BucketIndex.Open(_folder.File("split"), split, D, verify: true, shard: s);
                Assert.Equal(split.Shards![s].Clusters, parts[s].Clusters);
                Assert.Equal(split.Shards![s].FirstCluster, parts[s].FirstCluster);
                Assert.Equal(reference.Quantizer.Rows.ToArray(), parts[s].AllCentroids.ToArray());
            }

            float[] queries = TestVectors.Unit(TestVectors.SyntheticRows(SyntheticKind.Clustered, D, 50, seed: 5, SyntheticData.Stream.Queries), D);
            (int[] offsets, int[] clusters) = Plan(50, whole.Clusters);
            Neighbor[][] expected = Scan(reference, queries, offsets, clusters);

            TopK[] heaps = [.. Enumerable.Range(0, 50).Select(_ => new TopK(K))];
            var scratch = new SearchScratch();
            foreach (ShardPart part in ShardSplit.Split(offsets, clusters, split.ShardStarts(), everyQueryToFirst: false))
            {
                parts[part.Shard].SearchAssigned(queries, part.Rows, part.Offsets, part.Clusters, heaps, scratch, excluded: null);
            }

            TestVectors.AssertIdentical(expected, [.. heaps.Select(h => h.ToSortedArray())]);
        }
        finally
        {
            foreach (BucketIndex? part in parts)
            {
                part?.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(VectorStorage.Float32)]
    [InlineData(VectorStorage.Sq8)]
    public void ShardsWrittenOneJobEachFromTheTrainingEqualTheShardsOfOneWholeBuild(VectorStorage storage)
    {
        string spill = WriteSpill();
        var options = new IndexBuildOptions { Clusters = 30, ClustersPerSqrtN = 0, MinPointsPerCluster = 20, Seed = 3, Storage = storage };
        BucketManifest whole = BucketBuilder.Build(0, spill, Rows, D, _folder.File("one-job"), "g1", options, threads: 1, shards: 3);

        string trainDirectory = _folder.File("train");
        BucketTraining trained = BucketBuilder.Train(0, spill, Rows, D, trainDirectory, "g1", options, threads: 1, shards: 3);
        ShardManifest[] parts = new ShardManifest[trained.ShardCount];
        for (int s = parts.Length - 1; s >= 0; s--)
        {
            // Each shard job in its own directory, given only the training's files, as on another silo.
            string job = _folder.File($"shard-{s}");
            Directory.CreateDirectory(Path.Combine(job, "g1"));
            File.Copy(Path.Combine(trainDirectory, trained.CentroidsFile!), Path.Combine(job, trained.CentroidsFile!));
            File.Copy(Path.Combine(trainDirectory, trained.LabelsFile!), Path.Combine(job, trained.LabelsFile!));
            parts[s] = Assert.Single(BucketBuilder.WriteShards(trained, [s], spill, Path.Combine(job, trained.LabelsFile!), job, D, schema: null));
        }

        BucketManifest assembled = BucketBuilder.Assemble(trained, parts);
        Assert.Equal(whole.CentroidsChecksum, assembled.CentroidsChecksum);
        Assert.Equal(
            whole.Shards!.Select(p => (p.FirstCluster, p.Clusters, p.Count, p.ListsChecksum, p.CodesChecksum)),
            assembled.Shards!.Select(p => (p.FirstCluster, p.Clusters, p.Count, p.ListsChecksum, p.CodesChecksum)));
        Assert.Equal(storage == VectorStorage.Sq8, assembled.Shards!.All(p => p.CodesFile is not null));
        Assert.Throws<InvalidOperationException>(() => BucketBuilder.Assemble(trained, parts[..2]));
    }

    [Fact]
    public void ASplitGivesEachShardOnlyItsPairsInLocalNumbers_AndTheFirstEveryQueryWhenAsked()
    {
        int[] starts = [0, 4, 9, 12];
        // Query 0 scans clusters 1, 5, 10; query 1 none; query 2 scans 11 and 4; query 3 scans 8.
        int[] offsets = [0, 3, 3, 5, 6];
        int[] clusters = [1, 5, 10, 11, 4, 8];

        ShardPart[] parts = ShardSplit.Split(offsets, clusters, starts, everyQueryToFirst: true);
        Assert.Equal([0, 1, 2], parts.Select(p => p.Shard));
        Assert.Equal([0, 1, 2, 3], parts[0].Rows);
        Assert.Equal([0, 1, 1, 1, 1], parts[0].Offsets);
        Assert.Equal([1], parts[0].Clusters);
        Assert.Equal([0, 2, 3], parts[1].Rows);
        Assert.Equal([0, 1, 2, 3], parts[1].Offsets);
        Assert.Equal([1, 0, 4], parts[1].Clusters);
        Assert.Equal([0, 2], parts[2].Rows);
        Assert.Equal([0, 1, 2], parts[2].Offsets);
        Assert.Equal([1, 2], parts[2].Clusters);

        ShardPart[] only = ShardSplit.Split(offsets, clusters, starts, everyQueryToFirst: false);
        Assert.Equal([0, 1, 2], only.Select(p => p.Shard));
        Assert.Equal([0], only[0].Rows);

        Assert.Throws<ArgumentOutOfRangeException>(() => ShardSplit.Split([0, 1], [12], starts, everyQueryToFirst: false));
    }

    [Fact]
    public void ShardStartsBalanceRowsAndKeepAClusterInEveryShard()
    {
        Assert.Equal([0, 2, 4], BucketBuilder.ShardStarts([5, 5, 5, 5], 2));
        Assert.Equal([0, 1, 2, 3], BucketBuilder.ShardStarts([100, 0, 0], 3));
        Assert.Equal([0, 1, 4], BucketBuilder.ShardStarts([10, 1, 1, 1], 2));
        Assert.Equal([0, 3], BucketBuilder.ShardStarts([1, 1, 1], 1));
        Assert.Equal([0, 1, 2], BucketBuilder.ShardStarts([1, 1], 5)); // never more shards than clusters
    }

    [Theory]
    [InlineData(1_000, 1, 1, ShardRule.DefaultMaxRowsPerShard, 1)]
    [InlineData(20_000_000, 3, 2, ShardRule.DefaultMaxRowsPerShard, 1)]
    [InlineData(20_000_000, 24, 2, ShardRule.DefaultMaxRowsPerShard, 2)]
    [InlineData(20_000_000, 40, 1, ShardRule.DefaultMaxRowsPerShard, 5)]
    [InlineData(1_000_000_000, 16, 2, ShardRule.DefaultMaxRowsPerShard, 32)]
    [InlineData(20_000, 1, 1, 1_000, 3)]
    [InlineData(long.MaxValue / 2, 1, 1, 1, ShardRule.MaxShards)]
    public void TheShardRuleCoversTheSilosAndCapsShardSize(long rows, int silos, int replicas, long maxRows, int expected) =>
        Assert.Equal(expected, ShardRule.Choose(rows, silos, replicas, maxRows));

    [Fact]
    public void ADamagedShardFileOrAShardTableWithAGapIsRefused()
    {
        string spill = WriteSpill();
        var options = new IndexBuildOptions { Clusters = 20, ClustersPerSqrtN = 0, MinPointsPerCluster = 20, Seed = 3 };
        string folder = _folder.File("damaged");
        BucketManifest split = BucketBuilder.Build(0, spill, Rows, D, folder, "g1", options, threads: 1, shards: 2);

        TestVectors.FlipByte(Path.Combine(folder, split.Shards![1].ListsFile), 4096);
        using (BucketIndex first = BucketIndex.Open(folder, split, D, verify: true, shard: 0))
        {
            Assert.Equal(split.Shards[0].Count, first.Count);
        }

        Assert.Throws<IndexFormatException>(() => BucketIndex.Open(folder, split, D, verify: true, shard: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BucketIndex.Open(folder, split, D, verify: true, shard: 2));

        ShardManifest[] gap = [split.Shards[0], split.Shards[1] with { FirstCluster = split.Shards[1].FirstCluster + 1 }];
        Assert.False(ManifestStoreTiles(split with { Shards = gap }));
        Assert.True(ManifestStoreTiles(split));
    }

    /// <summary>Whether a manifest holding <paramref name="bucket"/> (and seven empty buckets) passes the manifest's checks.</summary>
    private static bool ManifestStoreTiles(BucketManifest bucket)
    {
        var manifest = new IndexManifest
        {
            Dimensions = D,
            Count = bucket.Count,
            Generation = 1,
            Lsh = new LshManifest([.. Enumerable.Range(0, 3).Select(_ => new float[D])], new float[3]),
            Buckets = [bucket, .. Enumerable.Range(1, 7).Select(b => new BucketManifest(b, 0, 0, null, null, null, null))],
            Build = new BuildManifest("test", 20, 20, 20, 64, 3, DateTimeOffset.UnixEpoch, 0),
        };
        try
        {
            ManifestStore.Validate("test", manifest);
            return true;
        }
        catch (IndexFormatException)
        {
            return false;
        }
    }

    [Fact]
    public void TheInProcessEngineRefusesAShardedGenerationWithAClearMessage()
    {
        string spill = WriteSpill();
        var options = new IndexBuildOptions { Clusters = 20, ClustersPerSqrtN = 0, MinPointsPerCluster = 20, Seed = 3 };
        string folder = _folder.File("refused");
        BucketManifest split = BucketBuilder.Build(0, spill, Rows, D, folder, ManifestStore.GenerationFolder(1), options, threads: 1, shards: 2);
        var manifest = new IndexManifest
        {
            Dimensions = D,
            Count = split.Count,
            Generation = 1,
            Lsh = new LshManifest([.. Enumerable.Range(0, 3).Select(_ => new float[D])], new float[3]),
            Buckets = [split, .. Enumerable.Range(1, 7).Select(b => new BucketManifest(b, 0, 0, null, null, null, null))],
            Build = new BuildManifest("test", 20, 20, 20, 64, 3, DateTimeOffset.UnixEpoch, 0),
        };
        ManifestStore.Write(folder, manifest);

        var e = Assert.Throws<NotSupportedException>(() => VectorIndex.Open(folder));
        Assert.Contains("shards", e.Message, StringComparison.Ordinal);
    }

    private string WriteSpill()
    {
        string path = _folder.File($"bucket-{Guid.NewGuid():N}.spill");
        float[] rows = TestVectors.Unit(TestVectors.SyntheticRows(SyntheticKind.Clustered, D, Rows, seed: 9), D);
        using var writer = new SpillFile.Writer(path, D);
        for (int i = 0; i < Rows; i++)
        {
            writer.Append(i, rows.AsSpan(i * D, D));
        }

        return path;
    }

    /// <summary>Query q scans a seeded set of 1 to 8 distinct clusters (query 3 none).</summary>
    private static (int[] Offsets, int[] Clusters) Plan(int queries, int k)
    {
        var random = new Random(17);
        var offsets = new List<int> { 0 };
        var clusters = new List<int>();
        for (int q = 0; q < queries; q++)
        {
            if (q != 3)
            {
                clusters.AddRange(Enumerable.Range(0, k).OrderBy(_ => random.Next()).Take(random.Next(1, 9)));
            }

            offsets.Add(clusters.Count);
        }

        return ([.. offsets], [.. clusters]);
    }

    private static Neighbor[][] Scan(BucketIndex bucket, float[] queries, int[] offsets, int[] clusters)
    {
        int n = offsets.Length - 1;
        TopK[] heaps = [.. Enumerable.Range(0, n).Select(_ => new TopK(K))];
        bucket.SearchAssigned(queries, [.. Enumerable.Range(0, n)], offsets, clusters, heaps, new SearchScratch(), excluded: null);
        return [.. heaps.Select(h => h.ToSortedArray())];
    }
}
