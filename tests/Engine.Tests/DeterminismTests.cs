using HyperdOrleans.Engine.Build;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The same data and seed give the same index, file for file, and the same answers.</summary>
public sealed class DeterminismTests : IDisposable
{
    private const int D = 24;
    private const int N = 12_000;

    private readonly TempDirectory _folder = new("determinism");
    private readonly VectorFileSource _source;
    private readonly float[] _queries;

    public DeterminismTests()
    {
        _source = new VectorFileSource(TestVectors.WriteSynthetic(_folder.File("data.fvecs"), SyntheticKind.Clustered, D, N, seed: 21, centers: 100));
        _queries = TestVectors.SyntheticRows(SyntheticKind.Clustered, D, 30, seed: 21, SyntheticData.Stream.Queries, centers: 100);
    }

    [Fact]
    public void SameSeedGivesIdenticalManifestsFilesAndResults()
    {
        var options = new IndexBuildOptions { MinPointsPerCluster = 50, Seed = 9, Threads = 2 };
        IndexManifest a = IndexBuilder.Build(_source, _folder.File("a"), options);
        IndexManifest b = IndexBuilder.Build(_source, _folder.File("b"), options);

        AssertSameIndex(a, b);
        foreach (BucketManifest bucket in a.Buckets.Where(x => x.Count > 0))
        {
            Assert.Equal(
                File.ReadAllBytes(Path.Combine(_folder.File("a"), bucket.ListsFile!)),
                File.ReadAllBytes(Path.Combine(_folder.File("b"), bucket.ListsFile!)));
            Assert.Equal(
                File.ReadAllBytes(Path.Combine(_folder.File("a"), bucket.CentroidsFile!)),
                File.ReadAllBytes(Path.Combine(_folder.File("b"), bucket.CentroidsFile!)));
        }

        using VectorIndex indexA = VectorIndex.Open(_folder.File("a"));
        using VectorIndex indexB = VectorIndex.Open(_folder.File("b"));
        TestVectors.AssertIdentical(
            indexA.SearchBatch(_queries, 10, new SearchParameters(2, 5)),
            indexB.SearchBatch(_queries, 10, new SearchParameters(2, 5)));
    }

    [Fact]
    public void ThreadCountDoesNotChangeTheIndex()
    {
        IndexManifest one = IndexBuilder.Build(
            _source,
            _folder.File("one"),
            new IndexBuildOptions { MinPointsPerCluster = 50, Seed = 9, Threads = 1 });
        IndexManifest three = IndexBuilder.Build(
            _source,
            _folder.File("three"),
            new IndexBuildOptions { MinPointsPerCluster = 50, Seed = 9, Threads = 3 });

        AssertSameIndex(one, three);
    }

    [Fact]
    public void AnotherSeedGivesAnotherIndex()
    {
        // The control: the comparisons above would notice a difference.
        IndexManifest a = IndexBuilder.Build(_source, _folder.File("a"), new IndexBuildOptions { MinPointsPerCluster = 50, Seed = 9 });
        IndexManifest b = IndexBuilder.Build(_source, _folder.File("b"), new IndexBuildOptions { MinPointsPerCluster = 50, Seed = 10 });

        Assert.NotEqual(a.Lsh.Planes[0], b.Lsh.Planes[0]);
        Assert.NotEqual(a.Buckets.Select(x => x.ListsChecksum), b.Buckets.Select(x => x.ListsChecksum));
    }

    private static void AssertSameIndex(IndexManifest a, IndexManifest b)
    {
        Assert.Equal(a.Generation, b.Generation);
        Assert.Equal(a.Count, b.Count);
        for (int p = 0; p < a.Lsh.Planes.Length; p++)
        {
            Assert.Equal(a.Lsh.Planes[p], b.Lsh.Planes[p]);
        }

        Assert.Equal(a.Lsh.Thresholds, b.Lsh.Thresholds);
        // Bucket entries carry counts, cluster counts, file names and each file's header checksum (which covers its section checksums).
        Assert.Equal(a.Buckets, b.Buckets);
        Assert.Equal(a.Build with { CreatedUtc = default, Seconds = 0 }, b.Build with { CreatedUtc = default, Seconds = 0 });
    }

    public void Dispose() => _folder.Dispose();
}
