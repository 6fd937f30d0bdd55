namespace HyperdOrleans.Engine.Search;

/// <summary>
/// One shard's part of a bucket's planned work: the bucket's query rows it scans (<see cref="Rows"/>, positions in the bucket's
/// query list) and, for the i-th of them, its clusters <c>Clusters[Offsets[i] .. Offsets[i + 1]]</c>, numbered from the shard's first.
/// </summary>
public sealed record ShardPart(int Shard, int[] Rows, int[] Offsets, int[] Clusters);

/// <summary>
/// Splits a bucket's (query, cluster) assignment over the shards that hold its clusters: each shard gets only the pairs whose
/// cluster it holds, in local numbers. The first shard also gets every query with none of its clusters when asked to (it holds
/// the bucket's pending rows, which every query probing the bucket scans exactly); another shard with no pair gets nothing.
/// </summary>
public static class ShardSplit
{
    /// <param name="starts">Where each shard's clusters start, then the bucket's cluster count (<c>BucketManifest.ShardStarts</c>).</param>
    public static ShardPart[] Split(ReadOnlySpan<int> offsets, ReadOnlySpan<int> clusters, ReadOnlySpan<int> starts, bool everyQueryToFirst)
    {
        int shards = starts.Length - 1;
        int rows = offsets.Length - 1;
        var rowLists = new List<int>[shards];
        var offsetLists = new List<int>[shards];
        var clusterLists = new List<int>[shards];
        for (int s = 0; s < shards; s++)
        {
            rowLists[s] = [];
            offsetLists[s] = [0];
            clusterLists[s] = [];
        }

        for (int i = 0; i < rows; i++)
        {
            for (int p = offsets[i]; p < offsets[i + 1]; p++)
            {
                int cluster = clusters[p];
                int s = ShardOf(starts, cluster);
                if (rowLists[s].Count == 0 || rowLists[s][^1] != i)
                {
                    rowLists[s].Add(i);
                    offsetLists[s].Add(clusterLists[s].Count);
                }

                clusterLists[s].Add(cluster - starts[s]);
                offsetLists[s][^1] = clusterLists[s].Count;
            }

            if (everyQueryToFirst && (rowLists[0].Count == 0 || rowLists[0][^1] != i))
            {
                rowLists[0].Add(i);
                offsetLists[0].Add(clusterLists[0].Count);
            }
        }

        var parts = new List<ShardPart>(shards);
        for (int s = 0; s < shards; s++)
        {
            if (rowLists[s].Count > 0)
            {
                parts.Add(new ShardPart(s, [.. rowLists[s]], [.. offsetLists[s]], [.. clusterLists[s]]));
            }
        }

        return [.. parts];
    }

    /// <summary>The shard holding <paramref name="cluster"/>: the last whose start is not after it.</summary>
    public static int ShardOf(ReadOnlySpan<int> starts, int cluster)
    {
        if ((uint)cluster >= (uint)starts[^1])
        {
            throw new ArgumentOutOfRangeException(nameof(cluster), cluster, $"the bucket has clusters 0 to {starts[^1] - 1}.");
        }

        int at = starts[..^1].BinarySearch(cluster);
        return at >= 0 ? LastStartingAt(starts, at) : ~at - 1;
    }

    /// <summary>Shards hold at least one cluster each, so starts are distinct; kept for safety against equal starts.</summary>
    private static int LastStartingAt(ReadOnlySpan<int> starts, int at)
    {
        while (at + 1 < starts.Length - 1 && starts[at + 1] == starts[at])
        {
            at++;
        }

        return at;
    }
}
