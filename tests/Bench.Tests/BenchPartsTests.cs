using HyperdOrleans.Bench.Data;
using HyperdOrleans.Bench.Methods;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Data;
using HyperdOrleans.Engine.Io;
using Xunit;

namespace HyperdOrleans.Bench.Tests;

/// <summary>The benchmark's own pieces: the batched exact kernel and the streaming GloVe parser.</summary>
public sealed class BenchPartsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hyperd-bench-parts-" + Guid.NewGuid().ToString("N"));

    public BenchPartsTests() => Directory.CreateDirectory(_root);

    [Theory]
    [InlineData(70, 1, 10)]
    [InlineData(70, 37, 100)]
    [InlineData(100, 70, 10)]
    [InlineData(5, 3, 1)]
    public void BatchedExactSearchAgreesWithOneQueryScans(int dimensions, int queries, int k)
    {
        string basePath = Path.Combine(_root, $"base-{dimensions}.fvecs");
        new SyntheticData(SyntheticKind.Clustered, dimensions, 7).WriteFile(basePath, 3001); // not a multiple of the 4-row kernel
        string unitPath = Path.Combine(_root, $"base-{dimensions}.f32");
        UnitBase.Write(VectorFile.Open(basePath), unitPath);
        using UnitBase unit = UnitBase.Open(unitPath, dimensions);
        var query = new float[queries * dimensions];
        new SyntheticData(SyntheticKind.Clustered, dimensions, 7, SyntheticData.Stream.Queries).Fill(query);
        VectorMath.NormalizeRows(query, dimensions, 0, "query");

        Neighbor[][] batched = BatchedExactSearch.Search(unit, query, k, threads: 2);

        for (int q = 0; q < queries; q++)
        {
            Neighbor[] one = BatchedExactSearch.ScanOne(unit, query.AsSpan(q * dimensions, dimensions), k);
            Assert.Equal(k, batched[q].Length);
            for (int i = 0; i < k; i++)
            {
                Assert.InRange(Math.Abs(one[i].Score - batched[q][i].Score), 0f, 1e-5f);
            }
        }
    }

    [Fact]
    public void GloveParserStreamsRowsAcrossTinyReads()
    {
        string path = Path.Combine(_root, "glove.json");
        string Row(float a) => "[" + string.Join(",", Enumerable.Range(0, 100).Select(i => (a + (i * 0.001f)).ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + ",1.5,3]";
        File.WriteAllText(path, $$"""{"size":2,"dimensions":100,"words":["the","king"],"vectors":{"the":{{Row(-0.5f)}},"king":{{Row(0.25f)}}},"unkVector":{{Row(0f)}}}""");
        var rows = new List<(string Word, float[] Vector)>();

        long count = GloveLoader.Parse(path, (word, vector, index) => rows.Add((word, vector)), bufferBytes: 16);

        Assert.Equal(2, count);
        Assert.Equal(["the", "king"], rows.Select(r => r.Word));
        Assert.All(rows, r => Assert.Equal(100, r.Vector.Length));
        Assert.Equal(-0.5f, rows[0].Vector[0]);
        Assert.Equal(0.25f + 0.099f, rows[1].Vector[99], 5);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
