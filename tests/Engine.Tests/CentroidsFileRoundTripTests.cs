using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The coarse quantizer's file: centroids read back bit for bit, with the header checksum the writer returned.</summary>
public sealed class CentroidsFileRoundTripTests : IDisposable
{
    private const int D = 9;

    private readonly TempDirectory _folder = new("centroids");

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    public void WrittenCentroidsReadBackEqual(int k)
    {
        float[] centroids = TestVectors.Unit(TestVectors.RandomRows(k, D, seed: k), D);
        string path = _folder.File("c.centroids");

        ulong written = CentroidsFile.Write(path, centroids, D);
        float[] read = CentroidsFile.Read(path, D, verify: true, out ulong checksum);

        Assert.Equal(centroids, read);
        Assert.Equal(written, checksum);
        Assert.Equal(["c.centroids"], TestVectors.Listing(_folder.Path)); // the temporary file was renamed, not left
    }

    [Fact]
    public void OtherDimensionsAreRefused()
    {
        string path = _folder.File("c.centroids");
        CentroidsFile.Write(path, TestVectors.RandomRows(5, D, seed: 1), D);

        var error = Assert.Throws<IndexFormatException>(() => CentroidsFile.Read(path, D + 1, verify: true, out _));

        Assert.Equal(path, error.FilePath);
        Assert.Contains($"holds {D}-dimensional centroids; the index has {D + 1}", error.Message);
    }

    [Fact]
    public void ListsFileIsNotACentroidsFile()
    {
        string path = _folder.File("x.lists");
        using (var writer = new InvertedListsWriter(path, D, [1]))
        {
            writer.Add(0, 0, new float[D]);
            writer.Commit();
        }

        var error = Assert.Throws<IndexFormatException>(() => CentroidsFile.Read(path, D, verify: true, out _));

        Assert.Contains("magic is 'HDIL', expected 'HDCQ'", error.Message);
    }

    public void Dispose() => _folder.Dispose();
}
