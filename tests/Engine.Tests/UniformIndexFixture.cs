using HyperdOrleans.Engine.Build;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>100,000 uniform 70-dimensional vectors (the course workload), indexed with default options, plus their unit rows.</summary>
public sealed class UniformIndexFixture : IDisposable
{
    public const int Dimensions = 70;
    public const int Count = 100_000;

    private readonly TempDirectory _folder = new("uniform");

    public UniformIndexFixture()
    {
        // A constructor that throws is never disposed: clean up here.
        try
        {
            VectorFile file = TestVectors.WriteSynthetic(_folder.File("base.npy"), SyntheticKind.Uniform, Dimensions, Count, seed: 11);
            Manifest = IndexBuilder.Build(new VectorFileSource(file), _folder.File("index"), new IndexBuildOptions());
            UnitRows = file.ReadRows(0, Count);
            VectorMath.NormalizeRows(UnitRows, Dimensions, 0, "uniform");
        }
        catch
        {
            _folder.Dispose();
            throw;
        }
    }

    public IndexManifest Manifest { get; }

    public float[] UnitRows { get; }

    public void Dispose() => _folder.Dispose();
}
