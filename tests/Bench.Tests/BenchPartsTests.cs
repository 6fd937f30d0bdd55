using HyperdOrleans.Bench.Data;
using Xunit;

namespace HyperdOrleans.Bench.Tests;

/// <summary>The benchmark's own pieces: the streaming GloVe parser (the exact kernel is tested in Evaluation.Tests).</summary>
public sealed class BenchPartsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hyperd-bench-parts-" + Guid.NewGuid().ToString("N"));

    public BenchPartsTests() => Directory.CreateDirectory(_root);

    [Fact]
    public void GloveParserStreamsRowsAcrossTinyReads()
    {
        string path = Path.Combine(_root, "glove.json");
        string Row(float a) => "[" + string.Join(
            ",",
            Enumerable.Range(0, 100).Select(i => (a + (i * 0.001f)).ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + ",1.5,3]";
        File.WriteAllText(path, $$"""
            {"size":2,"dimensions":100,"words":["the","king"],"vectors":{"the":{{Row(-0.5f)}},"king":{{Row(0.25f)}}},"unkVector":{{Row(0f)}}}
            """);
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
