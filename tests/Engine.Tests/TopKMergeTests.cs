using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>Merging sorted per-shard lists gives the global top k that a full sort of their union gives.</summary>
public sealed class TopKMergeTests
{
    [Theory]
    [InlineData(10, 8, 1)]
    [InlineData(1, 3, 2)]
    [InlineData(100, 5, 3)]
    [InlineData(10, 70, 4)] // more shards than the stack path handles
    public void MergeOfShardTopKsIsTheGlobalTopK(int k, int shards, int seed)
    {
        Neighbor[] all = TopKTests.Candidates(shards * 40, seed, distinctLevels: seed % 2 == 0 ? 16 : 0);
        // Each shard keeps its own top k, sorted, as a bucket or a silo would.
        Neighbor[][] lists = [.. all.Select((n, i) => (n, i)).GroupBy(x => x.i % shards)
            .Select(g => g.Select(x => x.n).Order(NeighborOrder.Instance).Take(k).ToArray())];

        Neighbor[] merged = TopKMerge.Merge(lists, k);

        Assert.Equal(all.Order(NeighborOrder.Instance).Take(k), merged);
    }

    [Fact]
    public void AnIdInSeveralListsIsKeptOnce()
    {
        Neighbor[] a = [new(1, 0.9f), new(2, 0.8f), new(3, 0.1f)];
        Neighbor[] b = [new(2, 0.8f), new(4, 0.7f)];
        Neighbor[] c = [new(1, 0.9f), new(5, 0.75f)];

        Assert.Equal([new Neighbor(1, 0.9f), new(2, 0.8f), new(5, 0.75f), new(4, 0.7f)], TopKMerge.Merge([a, b, c], 4));
    }

    [Fact]
    public void FewerThanKInAllListsReturnsThemAll()
    {
        Neighbor[] a = [new(1, 0.5f)];
        Neighbor[] b = [new(2, 0.6f), new(3, -0.2f)];

        Assert.Equal([new Neighbor(2, 0.6f), new(1, 0.5f), new(3, -0.2f)], TopKMerge.Merge([a, [], b], 10));
        Assert.Empty(TopKMerge.Merge([[], []], 3));
    }

    [Fact]
    public void EqualScoresMergeByAscendingId()
    {
        Neighbor[] a = [new(9, 0.5f), new(10, 0.5f)];
        Neighbor[] b = [new(3, 0.5f), new(11, 0.5f)];

        Assert.Equal([3L, 9L, 10L], TopKMerge.Merge([a, b], 3).Select(n => n.Id));
    }
}
