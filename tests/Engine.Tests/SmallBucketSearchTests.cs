using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// When the probed buckets and clusters hold fewer than k vectors, the search keeps going until it has k: a
/// query always gets exactly k results, even k = every vector of a tiny index with empty buckets.
/// </summary>
public sealed class SmallBucketSearchTests : IDisposable
{
    private const int D = 8;

    private readonly TempDirectory _folder = new("small-buckets");

    [Theory]
    [InlineData(30, 1, 1)]
    [InlineData(30, 6, 50)]
    [InlineData(3, 1, 1)] // most buckets empty
    public void KEqualToCountReturnsEveryVectorInExactOrder(int count, int lshProbes, int nprobe)
    {
        (VectorIndex index, float[] unit) = BuildTiny(count, new IndexBuildOptions());
        using (index)
        {
            float[] queries = TestVectors.RandomRows(10, D, seed: 50);

            Neighbor[][] answers = index.SearchBatch(queries, count, new SearchParameters(lshProbes, nprobe));

            TestVectors.AssertWellFormed(answers, count);
            Neighbor[][] exact = ExactSearch.Search(unit, D, queries, count).Neighbors;
            TestVectors.AssertIdentical(exact, answers);
        }
    }

    [Fact]
    public void TinyClustersAreWidenedUntilKAreFound()
    {
        // One or two vectors per cluster: one cluster of one bucket cannot hold 25 results.
        (VectorIndex index, _) = BuildTiny(400, new IndexBuildOptions { MinPointsPerCluster = 2 });
        using (index)
        {
            Assert.Contains(index.Manifest.Buckets, b => b.Clusters > 10);
            float[] queries = TestVectors.RandomRows(20, D, seed: 51);

            Neighbor[][] answers = index.SearchBatch(queries, 25, new SearchParameters(1, 1));

            TestVectors.AssertWellFormed(answers, 25);
            for (int q = 0; q < queries.Length / D; q++)
            {
                Assert.Equal(answers[q], index.Search(queries.AsSpan(q * D, D), 25, new SearchParameters(1, 1)));
            }
        }
    }

    private (VectorIndex Index, float[] Unit) BuildTiny(int count, IndexBuildOptions options)
    {
        float[] rows = TestVectors.RandomRows(count, D, seed: count);
        VectorFile file = TestVectors.WriteRows(_folder.File($"tiny-{count}.f32"), rows, D);
        string directory = _folder.File($"index-{count}");
        IndexManifest manifest = IndexBuilder.Build(new VectorFileSource(file), directory, options);
        Assert.Equal(count, manifest.Count);
        return (VectorIndex.Open(directory), TestVectors.Unit(rows, D));
    }

    public void Dispose() => _folder.Dispose();
}
