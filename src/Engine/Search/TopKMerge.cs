using System.Runtime.CompilerServices;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Merges per-shard top-k lists, each already sorted by <see cref="NeighborOrder"/>, into the global top-k
/// (FAISS's <c>merge_knn_results</c>). An id present in several lists is kept once. Thread-safe (stateless).
/// </summary>
public static class TopKMerge
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Neighbor[] Merge(IReadOnlyList<Neighbor[]> lists, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        Span<int> cursors = lists.Count <= 64 ? stackalloc int[lists.Count] : new int[lists.Count];
        var result = new List<Neighbor>(k);
        var seen = new HashSet<long>();
        while (result.Count < k)
        {
            int best = -1;
            for (int s = 0; s < lists.Count; s++)
            {
                if (cursors[s] < lists[s].Length
                    && (best < 0 || NeighborOrder.Instance.Compare(lists[s][cursors[s]], lists[best][cursors[best]]) < 0))
                {
                    best = s;
                }
            }

            if (best < 0)
            {
                break;
            }

            Neighbor next = lists[best][cursors[best]++];
            if (seen.Add(next.Id))
            {
                result.Add(next);
            }
        }

        return [.. result];
    }
}
