using HyperdOrleans.Abstractions;
using HyperdOrleans.Evaluation.Data;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// Bad input through the client SDK against a real cluster, one case per test: each gets a clear error of the type the SDK
/// documents, and a write that is refused leaves nothing behind (the pending count and the answers are unchanged).
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class BadInputMatrixTests(SharedClusterFixture fixture) : IAsyncLifetime
{
    private const string Index = "bad-input";
    private const int D = TestData.Dimensions;
    private long _pendingBefore;

    private HyperdClient Client => fixture.Hyperd.Client;

    public async Task InitializeAsync()
    {
        if (!(await Client.StatusAsync(Index)).Exists)
        {
            await fixture.Hyperd.BuildAsync(Index, fixture.Data, clusters: 100);
        }

        _pendingBefore = (await Client.StatusAsync(Index)).PendingOperations;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SearchOfOtherDimensions()
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.SearchAsync(Index, new float[D + 1], 10));
        Assert.Contains($"{D} dimensions", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "infinite")]
    [InlineData(float.NegativeInfinity, "infinite")]
    public async Task SearchWithANonFiniteValue(float bad, string named)
    {
        float[] query = fixture.Data.Query(0);
        query[3] = bad;
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.SearchAsync(Index, query, 10));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public async Task SearchWithAZeroVector()
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.SearchAsync(Index, new float[D], 10));
        Assert.Contains("zero vector", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_000_000)]
    public async Task KOutOfRange(int k)
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.SearchAsync(Index, fixture.Data.Query(0), k));
        Assert.Contains("k must be between 1 and", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public async Task LshProbesOutOfRange(int probes)
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Client.SearchAsync(Index, fixture.Data.Query(0), 10, new SearchOptions(LshProbes: probes)));
        Assert.Contains("lshProbes must be between 1 and 8", e.Message);
    }

    [Fact]
    public async Task NProbeOfZero()
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Client.SearchAsync(Index, fixture.Data.Query(0), 10, new SearchOptions(NProbe: 0)));
        Assert.Contains("nprobe", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AppendOfOtherDimensionsWritesNothing()
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.AppendAsync(Index, [1, 2], fixture.Data.Query(0)));
        Assert.Contains($"{D} dimensions each", e.Message);
        await AssertNothingWritten();
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public async Task AppendWithANonFiniteValueWritesNothing(float bad)
    {
        float[] rows = [.. fixture.Data.ExtraRow(0), .. fixture.Data.ExtraRow(1)];
        rows[D + 5] = bad;
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.AppendAsync(Index, [900_001, 900_002], rows));
        Assert.Contains("appended vector", e.Message);
        await AssertNothingWritten();
        Assert.NotEqual(900_001, (await Client.SearchAsync(Index, fixture.Data.ExtraRow(0), 1)).Ids[0]);
    }

    [Fact]
    public async Task AppendOfAZeroVectorWritesNothing()
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.AppendAsync(Index, [900_003], new float[D]));
        Assert.Contains("zero", e.Message);
        await AssertNothingWritten();
    }

    [Fact]
    public async Task AppendWithoutIds()
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.AppendAsync(Index, [], []));
        Assert.Contains("no ids given", e.Message);
        await AssertNothingWritten();
    }

    [Fact]
    public async Task DeleteWithoutIds()
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.DeleteAsync(Index, []));
        Assert.Contains("no ids given", e.Message);
    }

    [Fact]
    public async Task AppendLargerThanOneCallTakesWritesNothing()
    {
        const int rows = 100_001;
        long[] ids = [.. Enumerable.Range(0, rows).Select(i => 2_000_000L + i)];
        float[] vectors = new float[rows * D];
        Array.Fill(vectors, 1f);

        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.AppendAsync(Index, ids, vectors));
        Assert.Contains("at most 100,000", e.Message);
        await AssertNothingWritten();
    }

    [Fact]
    public async Task AppendWithADuplicateIdWritesNothing()
    {
        float[] rows = [.. fixture.Data.ExtraRow(0), .. fixture.Data.ExtraRow(1)];
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.AppendAsync(Index, [900_004, 900_004], rows));
        Assert.Contains("id 900004 appears twice", e.Message);
        await AssertNothingWritten();
    }

    [Fact]
    public async Task DeleteWithADuplicateIdWritesNothing()
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.DeleteAsync(Index, [4, 4]));
        Assert.Contains("id 4 appears twice", e.Message);
        await AssertNothingWritten();
    }

    [Fact]
    public async Task SearchOfAnUnknownIndex()
    {
        var e = await Assert.ThrowsAsync<KeyNotFoundException>(() => Client.SearchAsync("no-such-index", fixture.Data.Query(0), 10));
        Assert.Contains("'no-such-index' does not exist", e.Message);
    }

    [Fact]
    public async Task AppendToAnUnknownIndex()
    {
        var e = await Assert.ThrowsAsync<KeyNotFoundException>(() => Client.AppendAsync("no-such-index", [1], fixture.Data.Query(0)));
        Assert.Contains("build it first", e.Message);
    }

    [Fact]
    public async Task DeleteFromAnUnknownIndex()
    {
        var e = await Assert.ThrowsAsync<KeyNotFoundException>(() => Client.DeleteAsync("no-such-index", [1]));
        Assert.Contains("build it first", e.Message);
    }

    [Fact]
    public async Task StatusOfAnUnknownIndexSaysItDoesNotExist()
    {
        IndexStatus status = await Client.StatusAsync("no-such-index");
        Assert.False(status.Exists);
        Assert.Equal(0, status.Count);
    }

    [Fact]
    public void AnInvalidIndexName()
    {
        var e = Assert.Throws<ArgumentException>(() => { _ = Client.StatusAsync("a/b"); });
        Assert.Contains("index name 'a/b' is not valid", e.Message);
    }

    [Fact]
    public async Task BuildFromAMissingFile()
    {
        string missing = Path.Combine(fixture.Hyperd.Root, "no-such-file.fvecs");
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Client.BuildAsync("other", new BuildRequest(missing)));
        Assert.Contains("no-such-file.fvecs", e.Message);
    }

    [Fact]
    public async Task RebuildFromAFileOfOtherDimensions()
    {
        string wider = Path.Combine(fixture.Hyperd.Root, "wider.fvecs");
        new SyntheticData(SyntheticKind.Clustered, D + 2, 3).WriteFile(wider, 100);
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.BuildAsync(Index, new BuildRequest(wider)));
        Assert.Contains($"has {D} dimensions but", e.Message);
    }

    [Fact]
    public async Task ASecondRebuildWhileOneRunsIsRefusedAndTheFirstCompletes()
    {
        fixture.Hyperd.Gate.Close();
        try
        {
            IndexStatus first = await Client.BuildAsync(Index, new BuildRequest(), wait: false);
            long running = first.Rebuild!.Generation;
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.BuildAsync(Index, new BuildRequest(), wait: false));
            Assert.Contains("one rebuild runs at a time", e.Message);
            fixture.Hyperd.Gate.Open();
            IndexStatus done = await Within.Phase("the first rebuild", Client.WaitForRebuildAsync(Index, running));
            Assert.Equal(running, done.Generation);
        }
        finally
        {
            fixture.Hyperd.Gate.Open();
        }
    }

    private async Task AssertNothingWritten() =>
        Assert.Equal(_pendingBefore, (await Client.StatusAsync(Index)).PendingOperations);
}
