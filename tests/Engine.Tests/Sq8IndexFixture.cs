using HyperdOrleans.Engine.Build;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// 60,000 clustered 70-dimensional vectors indexed twice with the same options and seed, float32 and SQ8 (so
/// the centroids and lists are the same and only the scan differs), held-out queries and exact answers.
/// </summary>
public sealed class Sq8IndexFixture : IDisposable
{
    public const int Dimensions = 70;
    public const int Count = 60_000;
    public const int QueryCount = 200;
    public const int K = 10;
    public const int Seed = 11;

    private readonly TempDirectory _folder = new("sq8");

    public Sq8IndexFixture()
    {
        try
        {
            Base = TestVectors.WriteSynthetic(_folder.File("base.fvecs"), SyntheticKind.Clustered, Dimensions, Count, Seed);
            UnitBase = TestVectors.Unit(Base.ReadRows(0, Count), Dimensions);
            Queries = TestVectors.WriteSynthetic(
                _folder.File("queries.fvecs"), SyntheticKind.Clustered, Dimensions, QueryCount, Seed,
                SyntheticData.Stream.Queries)
                .ReadRows(0, QueryCount);
            Float32Directory = _folder.File("f32");
            Sq8Directory = _folder.File("sq8");
            IndexBuilder.Build(new VectorFileSource(Base), Float32Directory, Options with { Storage = VectorStorage.Float32 });
            IndexBuilder.Build(new VectorFileSource(Base), Sq8Directory, Options with { Storage = VectorStorage.Sq8 });
            Float32 = VectorIndex.Open(Float32Directory, verify: true);
            Sq8 = VectorIndex.Open(Sq8Directory, verify: true);
            Exact = ExactSearch.Search(Base, Queries, K).Neighbors;
        }
        catch
        {
            _folder.Dispose();
            throw;
        }
    }

    public static IndexBuildOptions Options { get; } = new() { Seed = Seed, Threads = 2 };

    public VectorFile Base { get; }

    /// <summary>The base rows normalised as the index stores them (id = row number).</summary>
    public float[] UnitBase { get; }

    public float[] Queries { get; }

    public string Float32Directory { get; }

    public string Sq8Directory { get; }

    public VectorIndex Float32 { get; }

    public VectorIndex Sq8 { get; }

    public Neighbor[][] Exact { get; }

    /// <summary>A private copy of the SQ8 index for a test to change or damage.</summary>
    public string CopySq8(TempDirectory folder)
    {
        string copy = folder.File($"sq8-copy-{Guid.NewGuid():N}");
        TestVectors.CopyDirectory(Sq8Directory, copy);
        return copy;
    }

    public void Dispose()
    {
        Float32.Dispose();
        Sq8.Dispose();
        _folder.Dispose();
    }
}
