using HyperdOrleans.Engine.Build;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Tuning;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// A clustered 50,000 × 32 index with small clusters (fast to build and sweep), tuned once for recall@10 ≥ 0.95,
/// and separate held-out queries from the same mixture with their exact answers over the base file.
/// </summary>
public sealed class TunedIndexFixture : IDisposable
{
    public const int Dimensions = 32;
    public const int Count = 50_000;
    public const int QueryCount = 300;
    public const int K = 10;
    public const int Seed = 11;
    public const double Target = 0.95;

    public static readonly IndexBuildOptions BuildOptions = new() { Clusters = 64, MinPointsPerCluster = 50, Threads = 2, Seed = Seed };

    private readonly TempDirectory _folder = new("tuned");

    public TunedIndexFixture()
    {
        try
        {
            Base = TestVectors.WriteSynthetic(_folder.File("base.fvecs"), SyntheticKind.Clustered, Dimensions, Count, Seed);
            Queries = TestVectors.WriteSynthetic(
                _folder.File("queries.fvecs"), SyntheticKind.Clustered, Dimensions, QueryCount, Seed,
                SyntheticData.Stream.Queries)
                .ReadRows(0, QueryCount);
            IndexDirectory = _folder.File("index");
            IndexBuilder.Build(new VectorFileSource(Base), IndexDirectory, BuildOptions);
            ManifestBytes = File.ReadAllBytes(Path.Combine(IndexDirectory, "manifest.json"));
            Index = VectorIndex.Open(IndexDirectory, verify: true);
            Options = new TuningOptions { TargetRecall = Target, K = K, Threads = 2 };
            Result = ProbeTuner.Tune(Index, Options);
            Exact = ExactSearch.Search(Base, Queries, K).Neighbors;
        }
        catch
        {
            Index?.Dispose();
            _folder.Dispose();
            throw;
        }
    }

    public VectorFile Base { get; }

    public float[] Queries { get; }

    public string IndexDirectory { get; }

    /// <summary>manifest.json as the build wrote it, before tuning.</summary>
    public byte[] ManifestBytes { get; }

    public VectorIndex Index { get; }

    public TuningOptions Options { get; }

    public TuningResult Result { get; }

    public Neighbor[][] Exact { get; }

    /// <summary>A copy of the index a test may change (record defaults, rebuild).</summary>
    public string CopyIndex(string name)
    {
        string copy = _folder.File(name);
        TestVectors.CopyDirectory(IndexDirectory, copy);
        return copy;
    }

    public void Dispose()
    {
        Index.Dispose();
        _folder.Dispose();
    }
}

/// <summary>Classes that share the tuned index (built and tuned once).</summary>
[CollectionDefinition(Name)]
public sealed class TunedIndexCollection : ICollectionFixture<TunedIndexFixture>
{
    public const string Name = "tuned 50k index";
}
