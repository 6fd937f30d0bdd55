using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>Bad queries and bad search settings are refused with a message naming what is wrong.</summary>
public sealed class QueryValidationTests : IClassFixture<SmallIndexFixture>, IDisposable
{
    private const int D = SmallIndexFixture.Dimensions;

    private readonly VectorIndex _index;
    private readonly float[] _query;

    public QueryValidationTests(SmallIndexFixture fixture)
    {
        _index = VectorIndex.Open(fixture.IndexDirectory, verify: true);
        _query = fixture.Queries[..D];
    }

    [Theory]
    [InlineData(D - 1)]
    [InlineData(D + 1)]
    [InlineData(2 * D)]
    public void WrongQueryDimensionsAreRefused(int dimensions)
    {
        var query = new float[dimensions];
        Array.Fill(query, 0.5f);

        var error = Assert.Throws<InvalidVectorException>(() => _index.Search(query, 5));

        Assert.Contains($"query has {dimensions} dimensions; the index has {D}", error.Message);
    }

    [Fact]
    public void BatchOfPartialRowsIsRefused()
    {
        var error = Assert.Throws<InvalidVectorException>(() => _index.SearchBatch(new float[(3 * D) - 2], 5));

        Assert.Contains($"{(3 * D) - 2} values", error.Message);
        Assert.Contains($"{D}-dimensional", error.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN at component 3")]
    [InlineData(float.PositiveInfinity, "infinite value at component 3")]
    [InlineData(float.NegativeInfinity, "infinite value at component 3")]
    public void NonFiniteQueryIsRefused(float bad, string expected)
    {
        float[] query = (float[])_query.Clone();
        query[3] = bad;

        var error = Assert.Throws<InvalidVectorException>(() => _index.Search(query, 5));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void NonFiniteRowOfABatchIsNamed()
    {
        float[] queries = new float[4 * D];
        Array.Fill(queries, 1f);
        queries[(2 * D) + 7] = float.NaN;

        var error = Assert.Throws<InvalidVectorException>(() => _index.SearchBatch(queries, 5));

        Assert.Contains("row 2", error.Message);
        Assert.Contains("NaN at component 7", error.Message);
    }

    [Fact]
    public void ZeroQueryIsRefused()
    {
        var error = Assert.Throws<InvalidVectorException>(() => _index.Search(new float[D], 5));

        Assert.Contains("zero vector", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(SmallIndexFixture.Count + 1)]
    public void KOutsideOneToCountIsRefused(int k)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _index.Search(_query, k));

        Assert.Equal("k", error.ParamName);
        Assert.Contains($"between 1 and {SmallIndexFixture.Count} for the index ({SmallIndexFixture.Count} vectors), got {k}", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void LshProbesOutsideOneToEightAreRefused(int probes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _index.Search(_query, 5, new SearchParameters(probes, 10)));

        Assert.Contains($"lshProbes must be between 1 and 8, got {probes}", error.Message);
    }

    [Fact]
    public void ZeroNProbeIsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _index.Search(_query, 5, new SearchParameters(4, 0)));

        Assert.Contains("nprobe must be at least 1, got 0", error.Message);
    }

    [Fact]
    public void TheValidQueryIsAnswered()
    {
        // The baseline the refusals are measured against: the same query, unharmed, is answered.
        Assert.Equal(5, _index.Search(_query, 5).Length);
        Assert.Equal(SmallIndexFixture.Count, _index.Search(_query, SmallIndexFixture.Count, new SearchParameters(1, 1)).Length);
    }

    public void Dispose() => _index.Dispose();
}
