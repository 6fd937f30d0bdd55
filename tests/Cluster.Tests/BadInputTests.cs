using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Cluster.Tests;

[Collection(SharedClusterCollection.Name)]
public sealed class BadInputTests(SharedClusterFixture fixture)
{
    private const string Index = "bad-input";

    [Fact]
    public async Task BadInputGivesAClearErrorAtTheClient()
    {
        HyperdClient client = fixture.Hyperd.Client;
        await fixture.Hyperd.BuildAsync(Index, fixture.Data);

        var dims = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.SearchAsync(Index, new float[TestData.Dimensions + 1], 10));
        Assert.Contains($"{TestData.Dimensions} dimensions", dims.Message);

        var zero = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.SearchAsync(Index, fixture.Data.Query(0), 0));
        Assert.Contains("k must be between 1 and", zero.Message);
        var huge = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.SearchAsync(Index, fixture.Data.Query(0), 1_000_000));
        Assert.Contains("got 1000000", huge.Message);

        var probes = await Assert.ThrowsAnyAsync<ArgumentException>(
            () => client.SearchAsync(Index, fixture.Data.Query(0), 10, new SearchOptions(LshProbes: 9)));
        Assert.Contains("lshProbes must be between 1 and 8", probes.Message);

        var zeroVector = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.SearchAsync(Index, new float[TestData.Dimensions], 10));
        Assert.Contains("zero vector", zeroVector.Message);

        var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(() => client.SearchAsync("no-such-index", fixture.Data.Query(0), 10));
        Assert.Contains("'no-such-index' does not exist", unknown.Message);
        var unknownAppend = await Assert.ThrowsAsync<KeyNotFoundException>(() => client.AppendAsync("no-such-index", [1], fixture.Data.Query(0)));
        Assert.Contains("build it first", unknownAppend.Message);

        var appendDims = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.AppendAsync(Index, [1, 2], fixture.Data.Query(0)));
        Assert.Contains($"{TestData.Dimensions} dimensions each", appendDims.Message);
        var duplicate = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.DeleteAsync(Index, [4, 4]));
        Assert.Contains("id 4 appears twice", duplicate.Message);

        string missing = Path.Combine(fixture.Hyperd.Root, "no-such-file.fvecs");
        var missingFile = await Assert.ThrowsAsync<ArgumentException>(() => client.BuildAsync("other", new BuildRequest(missing)));
        Assert.Contains("no-such-file.fvecs", missingFile.Message);
        string wider = Path.Combine(fixture.Hyperd.Root, "wider.fvecs");
        new Evaluation.Data.SyntheticData(Evaluation.Data.SyntheticKind.Clustered, TestData.Dimensions + 2, 3).WriteFile(wider, 100);
        var rebuildDims = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.BuildAsync(Index, new BuildRequest(wider)));
        Assert.Contains($"has {TestData.Dimensions} dimensions but", rebuildDims.Message);

        var name = Assert.Throws<ArgumentException>(() => { _ = client.StatusAsync("a/b"); });
        Assert.Contains("index name 'a/b' is not valid", name.Message);
    }
}
