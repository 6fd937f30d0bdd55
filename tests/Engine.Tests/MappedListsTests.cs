using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// The query path maps the cluster files instead of loading them: opening an index allocates its centroids and
/// manifests, a small fraction of its vectors (the bench's full report shows the resident side at scale).
/// </summary>
public sealed class MappedListsTests(Sq8IndexFixture fixture) : IClassFixture<Sq8IndexFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OpeningAnIndexAllocatesAFractionOfItsVectors(bool sq8)
    {
        long vectorBytes = (long)Sq8IndexFixture.Count * Sq8IndexFixture.Dimensions * sizeof(float);

        // Counted on this thread, where Open runs: other tests' allocations do not count.
        long before = GC.GetAllocatedBytesForCurrentThread();
        using VectorIndex index = VectorIndex.Open(sq8 ? fixture.Sq8Directory : fixture.Float32Directory, verify: true);
        long opened = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(opened < vectorBytes / 4, $"opening allocated {opened:N0} bytes; the vectors are {vectorBytes:N0}");
        // And it serves: the same answers as the fixture's own instance of that index.
        VectorIndex same = sq8 ? fixture.Sq8 : fixture.Float32;
        ReadOnlySpan<float> query = fixture.Queries.AsSpan(0, Sq8IndexFixture.Dimensions);
        Assert.Equal(same.Search(query, Sq8IndexFixture.K), index.Search(query, Sq8IndexFixture.K));
    }
}
