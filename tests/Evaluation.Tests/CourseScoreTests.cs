using System.Numerics.Tensors;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Evaluation.Quality;

namespace HyperdOrleans.Evaluation.Tests;

/// <summary>The course score over the rank positions an exact pass counts for given answers, on a small set.</summary>
public sealed class CourseScoreTests
{
    private const int D = 10;
    private const int N = 3000;
    private const int K = 10;

    private readonly float[] _unit;
    private readonly float[] _queries = RandomRows(25, D, seed: 2);
    private readonly float[][] _scores;

    public CourseScoreTests()
    {
        _unit = Unit(RandomRows(N, D, seed: 1));
        float[] unitQueries = Unit(_queries);
        _scores = [.. Enumerable.Range(0, _queries.Length / D).Select(q =>
            Enumerable.Range(0, N).Select(r => TensorPrimitives.Dot(_unit.AsSpan(r * D, D), unitQueries.AsSpan(q * D, D))).ToArray())];
    }

    [Fact]
    public void TheExactAnswerHasPositionsZeroToKAndCourseScoreZero()
    {
        Neighbor[][] exact = ExactSearch.Search(_unit, D, _queries, K).Neighbors;

        long[][] positions = ExactSearch.Search(_unit, D, _queries, K, approximate: exact).Positions!;

        Assert.All(positions, p => Assert.Equal(Enumerable.Range(0, K).Select(i => (long)i), p));
        Assert.Equal(0.0, CourseScore.Mean(exact, positions, K, N));
        Assert.Equal(1.0, Recall.AtK(exact, exact, K));
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

        double score = CourseScore.Mean(worst, positions, K, N);
        Assert.True(score < 0);
        Assert.Equal(expectedScore / worst.Length, score, precision: 6);
        Assert.Equal(0.0, Recall.AtK(worst, exact, K));
    }

    [Fact]
    public void NearMissesWithinThreeKCostNothing()
    {
        // Positions 3k-k+1 .. 3k are still within the allowance: score 0 although recall is 0.
        Neighbor[][] nearMisses = [.. Enumerable.Range(0, _scores.Length).Select(q => Ranked(q).Skip((2 * K) + 1).Take(K).ToArray())];
        Neighbor[][] exact = ExactSearch.Search(_unit, D, _queries, K).Neighbors;

        long[][] positions = ExactSearch.Search(_unit, D, _queries, K, approximate: nearMisses).Positions!;

        Assert.All(positions, p => Assert.Equal(Enumerable.Range((2 * K) + 1, K).Select(i => (long)i), p));
        Assert.Equal(0.0, CourseScore.Mean(nearMisses, positions, K, N));
        Assert.Equal(0.0, Recall.AtK(nearMisses, exact, K));
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

        Assert.Equal(-2.0 * N * K / broken.Length, CourseScore.Mean(broken, positions, K, N), precision: 6);
    }

    private IEnumerable<Neighbor> Ranked(int q) =>
        _scores[q].Select((s, r) => new Neighbor(r, s)).Order(NeighborOrder.Instance);

    /// <summary>Seeded rows uniform in [-1, 1): no ties between dot products.</summary>
    private static float[] RandomRows(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        var rows = new float[count * dimensions];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = (random.NextSingle() * 2f) - 1f;
        }

        return rows;
    }

    private static float[] Unit(float[] rows)
    {
        float[] copy = (float[])rows.Clone();
        VectorMath.NormalizeRows(copy, D, 0, "test rows");
        return copy;
    }
}
