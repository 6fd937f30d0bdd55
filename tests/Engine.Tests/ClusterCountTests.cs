using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>How many clusters each bucket gets: its share of 4·√N, capped per bucket, never below the minimum cluster size.</summary>
public sealed class ClusterCountTests : IDisposable
{
    private readonly TempDirectory _folder = new("cluster-count");

    [Theory]
    [InlineData(125_000, 1_000_000, 500)] // 1M in 8 even buckets: 4·√1M = 4000 in all
    [InlineData(250_000, 1_000_000, 1000)] // a bucket twice the average gets twice the share
    [InlineData(62_500, 1_000_000, 250)]
    [InlineData(2_500_000, 20_000_000, 1000)] // the design's scale: the cap
    [InlineData(2_500, 20_000, 25)] // small indexes: about 100 rows per cluster
    [InlineData(50, 20_000, 1)]
    [InlineData(0, 20_000, 0)]
    public void BucketGetsItsShareOfFourRootN(long count, long indexCount, int expected)
    {
        Assert.Equal(expected, new IndexBuildOptions().ClustersFor(count, indexCount));
    }

    [Fact]
    public void OneBucketHoldsTheSameTotalAsEight()
    {
        var flat = new IndexBuildOptions { Clusters = 8000 };

        Assert.Equal(4000, flat.ClustersFor(1_000_000, 1_000_000));
        Assert.Equal(8000, flat.ClustersFor(20_000_000, 20_000_000));
    }

    [Fact]
    public void RuleOffLeavesTheCapAndTheMinimumSize()
    {
        var options = new IndexBuildOptions { ClustersPerSqrtN = 0 };

        Assert.Equal(1000, options.ClustersFor(125_000, 1_000_000));
        Assert.Equal(25, options.ClustersFor(2_500, 20_000));
    }

    [Fact]
    public void BucketCannotOutnumberItsIndex()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new IndexBuildOptions().ClustersFor(10, 9));
    }

    /// <summary>A real build shares out √N of the whole index, not of each bucket (which would give each bucket √8 times more).</summary>
    [Fact]
    public void BuildSharesClustersByTheWholeIndex()
    {
        const int n = 20_000, d = 8;
        VectorFile file = TestVectors.WriteRows(_folder.File("base.fvecs"), TestVectors.RandomRows(n, d, seed: 3), d);
        var options = new IndexBuildOptions { MinPointsPerCluster = 10, Threads = 2 };

        IndexManifest manifest = IndexBuilder.Build(new VectorFileSource(file), _folder.File("index"), options);

        foreach (BucketManifest bucket in manifest.Buckets)
        {
            Assert.Equal(options.ClustersFor(bucket.Count, n), bucket.Clusters);
        }

        int total = manifest.Buckets.Sum(b => b.Clusters);
        Assert.InRange(total, 4 * Math.Sqrt(n) - 8, 4 * Math.Sqrt(n) + 8);
    }

    public void Dispose() => _folder.Dispose();
}
