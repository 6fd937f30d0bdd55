using HyperdOrleans.Engine.Build;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// The recall workload, built once for every class in <see cref="ClusteredIndexCollection"/>: 100,000 clustered
/// 70-dimensional vectors indexed with default build options, held-out queries from the same mixture, and
/// exact brute-force answers over the same file.
/// </summary>
public sealed class ClusteredIndexFixture : IDisposable
{
    public const int Dimensions = 70;
    public const int Count = 100_000;
    public const int QueryCount = 200;
    public const int K = 10;
    public const int Seed = 7;

    private readonly TempDirectory _folder = new("clustered");

    public ClusteredIndexFixture()
    {
        // A constructor that throws is never disposed: clean up here.
        try
        {
            Base = TestVectors.WriteSynthetic(_folder.File("base.fvecs"), SyntheticKind.Clustered, Dimensions, Count, Seed);
            Queries = TestVectors.WriteSynthetic(
                _folder.File("queries.fvecs"), SyntheticKind.Clustered, Dimensions, QueryCount, Seed,
                SyntheticData.Stream.Queries)
                .ReadRows(0, QueryCount);
            IndexDirectory = _folder.File("index");
            Manifest = IndexBuilder.Build(new VectorFileSource(Base), IndexDirectory, new IndexBuildOptions());
            Index = VectorIndex.Open(IndexDirectory, verify: true);
            Exact = ExactSearch.Search(Base, Queries, K).Neighbors;
        }
        catch
        {
            _folder.Dispose();
            throw;
        }
    }

    public VectorFile Base { get; }

    /// <summary>Raw (not normalised) query rows, row-major.</summary>
    public float[] Queries { get; }

    public string IndexDirectory { get; }

    public IndexManifest Manifest { get; }

    public VectorIndex Index { get; }

    /// <summary>Exact top-<see cref="K"/> of every query.</summary>
    public Neighbor[][] Exact { get; }

    public void Dispose()
    {
        Index.Dispose();
        _folder.Dispose();
    }
}

/// <summary>Classes that share the 100k clustered index (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class ClusteredIndexCollection : ICollectionFixture<ClusteredIndexFixture>
{
    public const string Name = "clustered 100k index";
}
