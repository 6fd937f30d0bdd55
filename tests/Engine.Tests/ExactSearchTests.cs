using System.Numerics.Tensors;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The ground truth itself: exact search and recall on a small set (the course score is tested in Evaluation.Tests).</summary>
public sealed class ExactSearchTests : IDisposable
{
    private const int D = 10;
    private const int N = 3000;
    private const int K = 10;

    private readonly TempDirectory _folder = new("exact");
    private readonly float[] _rows = TestVectors.RandomRows(N, D, seed: 1);
    private readonly float[] _unit;
    private readonly float[] _queries = TestVectors.RandomRows(25, D, seed: 2);
    private readonly float[][] _scores;

    public ExactSearchTests()
    {
        _unit = TestVectors.Unit(_rows, D);
        float[] unitQueries = TestVectors.Unit(_queries, D);
        _scores = [.. Enumerable.Range(0, _queries.Length / D).Select(q =>
            Enumerable.Range(0, N).Select(r => TensorPrimitives.Dot(_unit.AsSpan(r * D, D), unitQueries.AsSpan(q * D, D))).ToArray())];
    }

    [Fact]
    public void MatchesASortOfEveryScore()
    {
        Neighbor[][] exact = ExactSearch.Search(_unit, D, _queries, K).Neighbors;

        for (int q = 0; q < exact.Length; q++)
        {
            Assert.Equal(Ranked(q).Take(K), exact[q]);
        }
    }

    [Fact]
    public void StreamingAFileGivesTheSameAnswersAsMemory()
    {
        VectorFile file = TestVectors.WriteRows(_folder.File("base.fvecs"), _rows, D);

        TestVectors.AssertIdentical(ExactSearch.Search(_unit, D, _queries, K).Neighbors, ExactSearch.Search(file, _queries, K, threads: 2).Neighbors);
    }

    [Fact]
    public void TieAwareRecallCountsAnEquallyGoodSubstitute()
    {
        Neighbor[] truth = [new(1, 0.9f), new(2, 0.8f), new(3, 0.7f)];
        Neighbor[] substitute = [new(1, 0.9f), new(2, 0.8f), new(42, 0.7f)];
        Neighbor[] worse = [new(1, 0.9f), new(2, 0.8f), new(43, 0.6f)];

        Assert.Equal(1.0, Recall.AtK([substitute], [truth], 3));
        Assert.Equal(2.0 / 3.0, Recall.AtK([worse], [truth], 3), precision: 9);
    }

    private IEnumerable<Neighbor> Ranked(int q) =>
        _scores[q].Select((s, r) => new Neighbor(r, s)).Order(NeighborOrder.Instance);

    public void Dispose() => _folder.Dispose();
}
