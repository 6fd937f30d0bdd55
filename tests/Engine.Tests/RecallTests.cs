using HyperdOrleans.Engine.Search;
using Xunit.Abstractions;

namespace HyperdOrleans.Engine.Tests;

/// <summary>Recall@10 of the index against exact brute force over the same 100k clustered vectors.</summary>
[Collection(ClusteredIndexCollection.Name)]
public sealed class RecallTests(ClusteredIndexFixture fixture, ITestOutputHelper output)
{
    private const int K = ClusteredIndexFixture.K;

    [Fact]
    public void DefaultSettingsReachRecallOf95Percent()
    {
        Assert.Equal(SearchParameters.Default, fixture.Index.DefaultParameters);

        Neighbor[][] answers = fixture.Index.SearchBatch(fixture.Queries, K, SearchParameters.Default);

        TestVectors.AssertWellFormed(answers, K);
        double recall = Recall.AtK(answers, fixture.Exact, K);
        output.WriteLine($"recall@{K} at {SearchParameters.Default}: {recall:F4}");
        Assert.True(recall >= 0.95, $"recall@{K} at default settings is {recall:F4}, below 0.95");
    }

    [Fact]
    public void ProbingEverythingGivesTheExactAnswer()
    {
        // Every bucket, every cluster: the index scans all vectors, stored with the same normalisation as the
        // exact pass, so it must return the exact top k with the exact scores.
        var everything = new SearchParameters(LshProbes: 8, NProbe: 1_000_000);

        Neighbor[][] answers = fixture.Index.SearchBatch(fixture.Queries, K, everything);

        Assert.Equal(1.0, Recall.AtK(answers, fixture.Exact, K));
        for (int q = 0; q < answers.Length; q++)
        {
            Assert.Equal(fixture.Exact[q].Select(n => n.Score), answers[q].Select(n => n.Score));
        }
    }

    [Fact]
    public void MoreProbesNeverLowerRecall()
    {
        // Each setting probes a superset of the previous one's clusters, so no query may lose a true neighbour.
        SearchParameters[] ladder =
        [
            new(1, 1), new(1, 10), new(2, 10), new(4, 25), new(6, 50), new(8, 50), new(8, 1_000_000),
        ];
        double[] recalls = new double[ladder.Length];
        double[]? previous = null;
        for (int s = 0; s < ladder.Length; s++)
        {
            Neighbor[][] answers = fixture.Index.SearchBatch(fixture.Queries, K, ladder[s]);
            double[] perQuery = [.. answers.Select((a, q) => Recall.AtK([a], [fixture.Exact[q]], K))];
            recalls[s] = perQuery.Average();
            output.WriteLine($"recall@{K} at {ladder[s]}: {recalls[s]:F4}");
            if (previous is not null)
            {
                for (int q = 0; q < perQuery.Length; q++)
                {
                    Assert.True(
                        perQuery[q] >= previous[q],
                        $"query {q}: recall fell from {previous[q]} to {perQuery[q]} going from {ladder[s - 1]} to {ladder[s]}");
                }
            }

            previous = perQuery;
        }

        // The probes must matter: one bucket and one cluster is far from exact on this data.
        Assert.True(recalls[0] < recalls[^1] - 0.2, $"recall with {ladder[0]} is {recalls[0]:F3}, too close to exhaustive {recalls[^1]:F3}");
    }
}
