using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Engine.Tests;

/// <summary>Bad build input is refused with a message naming the file, the row and the problem.</summary>
public sealed class BuildInputValidationTests : IDisposable
{
    private const int D = 8;
    private const int N = 3000;

    private readonly TempDirectory _folder = new("build-input");

    [Fact]
    public void ZeroRowIsNamed()
    {
        float[] rows = TestVectors.RandomRows(N, D, seed: 1);
        Array.Clear(rows, 1234 * D, D);
        VectorFile file = TestVectors.WriteRows(_folder.File("zero.fvecs"), rows, D);

        var error = Assert.Throws<InvalidVectorException>(() => IndexBuilder.Build(new VectorFileSource(file), _folder.File("index")));

        Assert.Contains("zero.fvecs' row 1234 is a zero vector", error.Message);
    }

    [Theory]
    [InlineData(100_000, float.NaN, "NaN at component 2")] // caught while sampling (every row is sampled)
    [InlineData(100, float.NaN, "NaN at component 2")] // most likely caught only by the partition pass
    [InlineData(100, float.PositiveInfinity, "an infinite value at component 2")]
    public void NonFiniteRowIsNamed(int lshSampleSize, float bad, string problem)
    {
        float[] rows = TestVectors.RandomRows(N, D, seed: 2);
        rows[(2900 * D) + 2] = bad;
        VectorFile file = TestVectors.WriteRows(_folder.File("bad.npy"), rows, D);

        var error = Assert.Throws<InvalidVectorException>(() =>
            IndexBuilder.Build(new VectorFileSource(file), _folder.File("index"), new IndexBuildOptions { LshSampleSize = lshSampleSize }));

        Assert.Contains($"bad.npy' row 2900 has {problem}", error.Message);
    }

    [Fact]
    public void FileWithOtherDimensionsThanExpectedIsRefused()
    {
        TestVectors.WriteRows(_folder.File("eight.fvecs"), TestVectors.RandomRows(10, D, seed: 3), D);

        var error = Assert.Throws<InvalidDataException>(() => VectorFile.Open(_folder.File("eight.fvecs"), D + 1));

        Assert.Contains($"holds {D}-dimensional vectors, but {D + 1} were expected", error.Message);
    }

    [Fact]
    public void RawFileNeedsItsDimensions()
    {
        TestVectors.WriteRows(_folder.File("rows.f32"), TestVectors.RandomRows(10, D, seed: 4), D);

        var error = Assert.Throws<ArgumentException>(() => VectorFile.Open(_folder.File("rows.f32")));

        Assert.Contains("give its dimensions", error.Message);
    }

    [Fact]
    public void EmptyFileIsRefused()
    {
        File.WriteAllBytes(_folder.File("empty.f32"), []);

        var error = Assert.Throws<InvalidDataException>(() => VectorFile.Open(_folder.File("empty.f32"), D));

        Assert.Contains("holds no vectors", error.Message);
    }

    public void Dispose() => _folder.Dispose();
}
