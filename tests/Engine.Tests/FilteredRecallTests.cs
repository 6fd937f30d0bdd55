using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// Filtered search against exact filtered search (brute force over the rows that pass), in the Garnet shape: recall@10 at
/// filters keeping 50 %, 10 %, 1 % and 0.1 % of the rows, for the default plan and for each plan forced.
/// </summary>
public sealed class FilteredRecallTests(FieldedIndexFixture fixture) : IClassFixture<FieldedIndexFixture>
{
    private const int K = 10;

    public static TheoryData<int, FilterStrategy> Cases => new()
    {
        { 500, FilterStrategy.Auto },
        { 100, FilterStrategy.Auto },
        { 10, FilterStrategy.Auto },
        { 1, FilterStrategy.Auto },
        { 500, FilterStrategy.Probe },
        { 100, FilterStrategy.Probe },
        { 10, FilterStrategy.Probe },
        { 10, FilterStrategy.Exact },
        { 1, FilterStrategy.Exact },
    };

    /// <summary><paramref name="band"/> per mille of the rows pass <c>band &lt; band</c>.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void RecallAt10AgainstExactFilteredSearchIsAtLeast095(int band, FilterStrategy strategy)
    {
        Filter filter = new RangeFilter("band", RangeOperator.LessThan, band);
        Neighbor[][] exact = fixture.ExactFiltered(id => (long)fixture.Values[id][0]! < band, K);

        Neighbor[][] answers = fixture.Index.SearchBatch(fixture.Queries, K, filter, new SearchParameters(4, 4), threads: 2, strategy);

        double recall = Recall.AtK(answers, exact, K);
        Assert.True(recall >= 0.95, $"recall@10 {recall:F3} at {band / 10.0} % with {strategy}");
    }

    [Theory]
    [InlineData(FilterStrategy.Probe)]
    [InlineData(FilterStrategy.Exact)]
    public void EveryHitPassesTheFilterAndKHitsAreFound(FilterStrategy strategy)
    {
        Filter filter = new TagContainsFilter("tags", "cyan") & new EqualFilter("flag", false);

        Neighbor[][] answers = fixture.Index.SearchBatch(fixture.Queries, K, filter, threads: 1, strategy: strategy);

        TestVectors.AssertWellFormed(answers, K);
        Assert.All(answers.SelectMany(a => a), hit => Assert.True(
            fixture.Values[hit.Id][5] is string[] tags && tags.Contains("cyan") && Equals(fixture.Values[hit.Id][3], false),
            $"id {hit.Id} fails the filter"));
    }

    [Fact]
    public void ScoresAreTheExactSearchScores()
    {
        Filter filter = new EqualFilter("category", "grape");
        Neighbor[][] exact = fixture.ExactFiltered(id => Equals(fixture.Values[id][1], "grape"), K);

        Neighbor[][] answers = fixture.Index.SearchBatch(fixture.Queries, K, filter, strategy: FilterStrategy.Exact);

        TestVectors.AssertIdentical(exact, answers);
    }

    [Fact]
    public void AFilterNoRowPassesAnswersNothing()
    {
        Neighbor[][] answers = fixture.Index.SearchBatch(fixture.Queries, K, new EqualFilter("category", "kiwi"));

        Assert.All(answers, Assert.Empty);
    }

    [Fact]
    public void FewerMatchesThanKAreAllReturned()
    {
        Filter filter = new EqualFilter("band", 3) & new EqualFilter("flag", true);
        int matches = Enumerable.Range(0, FieldedIndexFixture.Count)
            .Count(id => Equals(fixture.Values[id][0], 3L) && Equals(fixture.Values[id][3], true));
        float[] query = fixture.Queries[..FieldedIndexFixture.Dimensions];

        Neighbor[][] answers = fixture.Index.SearchBatch(query, 100, filter, strategy: FilterStrategy.Probe);

        Assert.Equal(matches, answers[0].Length);
    }

    [Fact]
    public void ABadFilterIsRefusedBySearch()
    {
        var error = Assert.Throws<ArgumentException>(() => fixture.Index.SearchBatch(fixture.Queries, K, new EqualFilter("note", "x")));

        Assert.Contains("not indexed", error.Message);
    }

    [Fact]
    public void UnfilteredSearchIsUnchangedByTheFields()
    {
        Neighbor[][] plain = fixture.Index.SearchBatch(fixture.Queries, K, new SearchParameters(8, 1000), threads: 1);
        Neighbor[][] exact = fixture.ExactFiltered(_ => true, K);

        TestVectors.AssertIdentical(exact, plain);
    }
}
