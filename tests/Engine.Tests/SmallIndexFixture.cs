using HyperdOrleans.Engine.Build;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// A small index (4,000 clustered 16-dimensional vectors, about ten clusters per bucket) built once per class:
/// for tests about input checks and damaged files, which copy it before they damage anything.
/// </summary>
public sealed class SmallIndexFixture : IDisposable
{
    public const int Dimensions = 16;
    public const int Count = 4000;

    public static readonly IndexBuildOptions Options = new() { MinPointsPerCluster = 50, Seed = 5 };

    private readonly TempDirectory _folder = new("small");

    public SmallIndexFixture()
    {
        // A constructor that throws is never disposed: clean up here.
        try
        {
            Base = TestVectors.WriteSynthetic(_folder.File("base.fvecs"), SyntheticKind.Clustered, Dimensions, Count, seed: 5, centers: 40);
            Queries = TestVectors.SyntheticRows(SyntheticKind.Clustered, Dimensions, 20, seed: 5, SyntheticData.Stream.Queries, centers: 40);
            IndexDirectory = _folder.File("index");
            Manifest = IndexBuilder.Build(new VectorFileSource(Base), IndexDirectory, Options);
        }
        catch
        {
            _folder.Dispose();
            throw;
        }
    }

    public VectorFile Base { get; }

    public float[] Queries { get; }

    public string IndexDirectory { get; }

    public IndexManifest Manifest { get; }

    /// <summary>A private copy of the index for a test to damage; it lives as long as <paramref name="owner"/>.</summary>
    public string CopyIndex(TempDirectory owner) => TestVectors.CopyIndex(IndexDirectory, owner);

    public void Dispose() => _folder.Dispose();
}
