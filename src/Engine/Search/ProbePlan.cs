using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Which clusters of which bucket each query scans, bucket by bucket, as compressed rows: bucket b is probed by
/// <c>Queries(b)</c>, and its i-th query scans <c>Clusters(b)[Offsets(b)[i] .. Offsets(b)[i + 1]]</c> (possibly
/// none: a probed bucket whose centroids all lost still sees the query, for its pending rows). Lives in the
/// <see cref="SearchScratch"/> it was planned with, so valid until that scratch's next plan.
/// </summary>
public sealed class ProbePlan
{
    private readonly int[][] _queries = new int[LshHasher.BucketCount][];
    private readonly int[][] _offsets = new int[LshHasher.BucketCount][];
    private readonly int[][] _clusters = new int[LshHasher.BucketCount][];
    private readonly int[] _queryCounts = new int[LshHasher.BucketCount];
    private readonly int[] _clusterCounts = new int[LshHasher.BucketCount];

    public ProbePlan()
    {
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            _queries[b] = [];
            _offsets[b] = [0];
            _clusters[b] = [];
        }
    }

    public int QueryCount(int bucket) => _queryCounts[bucket];

    public ReadOnlySpan<int> Queries(int bucket) => _queries[bucket].AsSpan(0, _queryCounts[bucket]);

    public ReadOnlySpan<int> Offsets(int bucket) => _offsets[bucket].AsSpan(0, _queryCounts[bucket] + 1);

    public ReadOnlySpan<int> Clusters(int bucket) => _clusters[bucket].AsSpan(0, _clusterCounts[bucket]);

    internal void Clear()
    {
        Array.Clear(_queryCounts);
        Array.Clear(_clusterCounts);
    }

    /// <summary>Opens query <paramref name="query"/>'s row in <paramref name="bucket"/>.</summary>
    internal void AddQuery(int bucket, int query)
    {
        int i = _queryCounts[bucket]++;
        Grow(ref _queries[bucket], i + 1);
        Grow(ref _offsets[bucket], i + 2);
        _queries[bucket][i] = query;
        _offsets[bucket][i] = _clusterCounts[bucket];
        _offsets[bucket][i + 1] = _clusterCounts[bucket];
    }

    /// <summary>Adds a cluster to the row <see cref="AddQuery"/> opened last in <paramref name="bucket"/>.</summary>
    internal void AddCluster(int bucket, int cluster)
    {
        int c = _clusterCounts[bucket]++;
        Grow(ref _clusters[bucket], c + 1);
        _clusters[bucket][c] = cluster;
        _offsets[bucket][_queryCounts[bucket]] = c + 1;
    }

    /// <summary>What the plan's arrays hold.</summary>
    internal long Bytes
    {
        get
        {
            long ints = 0;
            for (int b = 0; b < LshHasher.BucketCount; b++)
            {
                ints += _queries[b].Length + _offsets[b].Length + _clusters[b].Length;
            }

            return ints * sizeof(int);
        }
    }

    /// <summary>Empties the plan and lets go of its arrays.</summary>
    internal void Release()
    {
        Clear();
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            _queries[b] = [];
            _offsets[b] = [0];
            _clusters[b] = [];
        }
    }

    private static void Grow(ref int[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            // Unzeroed: only the counted prefix is ever read, and it is copied over.
            int[] grown = GC.AllocateUninitializedArray<int>(Math.Max(length, Math.Max(16, buffer.Length * 2)));
            buffer.CopyTo(grown, 0);
            buffer = grown;
        }
    }
}
