using System.Numerics.Tensors;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The ground truth itself: exact search, rank positions, recall and the course score on a small set.</summary>
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
    public void TheExactAnswerHasPositionsZeroToKAndCourseScoreZero()
    {
        Neighbor[][] exact = ExactSearch.Search(_unit, D, _queries, K).Neighbors;

        long[][] positions = ExactSearch.Search(_unit, D, _queries, K, approximate: exact).Positions!;

        Assert.All(positions, p => Assert.Equal(Enumerable.Range(0, K).Select(i => (long)i), p));
        Assert.Equal(0.0, Evaluation.CourseScore(exact, positions, K, N));
        Assert.Equal(1.0, Evaluation.RecallAtK(exact, exact, K));
    }

    [Fact]
    public void BadAnswersGetTheirTruePositionsAndANegativeScore()
    {
        // The k worst vectors of each query: positions near N, every one beyond 3k.
        Neighbor[][] worst = [.. Enumerable.Range(0, _scores.Length).Select(q => Ranked(q).TakeLast(K).ToArray())];
        Neighbor[][] exact = ExactSearch.Search(_unit, D, _queries, K).Neighbors;

        long[][] positions = ExactSearch.Search(_unit, D, _queries, K, approximate: worst).Positions!;

        double expectedScore = 0;
        for (int q = 0; q < worst.Length; q++)
        {
            for (int i = 0; i < K; i++)
            {
                long expected = _scores[q].Count(s => s > worst[q][i].Score + 1e-6f);
                Assert.Equal(expected, positions[q][i]);
                Assert.True(positions[q][i] > 3 * K);
                expectedScore -= positions[q][i];
            }
        }

        double score = Evaluation.CourseScore(worst, positions, K, N);
        Assert.True(score < 0);
        Assert.Equal(expectedScore / worst.Length, score, precision: 6);
        Assert.Equal(0.0, Evaluation.RecallAtK(worst, exact, K));
    }

    [Fact]
    public void NearMissesWithinThreeKCostNothing()
    {
        // Positions 3k-k+1 .. 3k are still within the allowance: score 0 although recall is 0.
        Neighbor[][] nearMisses = [.. Enumerable.Range(0, _scores.Length).Select(q => Ranked(q).Skip((2 * K) + 1).Take(K).ToArray())];
        Neighbor[][] exact = ExactSearch.Search(_unit, D, _queries, K).Neighbors;

        long[][] positions = ExactSearch.Search(_unit, D, _queries, K, approximate: nearMisses).Positions!;

        Assert.All(positions, p => Assert.Equal(Enumerable.Range((2 * K) + 1, K).Select(i => (long)i), p));
        Assert.Equal(0.0, Evaluation.CourseScore(nearMisses, positions, K, N));
        Assert.Equal(0.0, Evaluation.RecallAtK(nearMisses, exact, K));
    }

    [Fact]
    public void AnswerWithoutExactlyKDistinctIdsScoresMinusCountTimesK()
    {
        Neighbor[][] exact = ExactSearch.Search(_unit, D, _queries, K).Neighbors;
        Neighbor[][] broken = [.. exact.Select((a, q) => q switch
        {
            0 => a[..(K - 1)], // too few
            1 => [.. a[..(K - 1)], a[0]], // a duplicate
            _ => a,
        })];
        long[][] positions = ExactSearch.Search(_unit, D, _queries, K, approximate: broken).Positions!;

        Assert.Equal(-2.0 * N * K / broken.Length, Evaluation.CourseScore(broken, positions, K, N), precision: 6);
    }

    [Fact]
    public void TieAwareRecallCountsAnEquallyGoodSubstitute()
    {
        Neighbor[] truth = [new(1, 0.9f), new(2, 0.8f), new(3, 0.7f)];
        Neighbor[] substitute = [new(1, 0.9f), new(2, 0.8f), new(42, 0.7f)];
        Neighbor[] worse = [new(1, 0.9f), new(2, 0.8f), new(43, 0.6f)];

        Assert.Equal(1.0, Evaluation.RecallAtK([substitute], [truth], 3));
        Assert.Equal(2.0 / 3.0, Evaluation.RecallAtK([worse], [truth], 3), precision: 9);
    }

    private IEnumerable<Neighbor> Ranked(int q) =>
        _scores[q].Select((s, r) => new Neighbor(r, s)).Order(NeighborOrder.Instance);

    public void Dispose() => _folder.Dispose();
}
