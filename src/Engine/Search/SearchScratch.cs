using System.Runtime.CompilerServices;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Search.Blocked;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Per-thread working buffers of the search path, grown on demand and reused across queries so that the
/// scan allocates nothing per query or per vector. Not thread-safe: one per worker.
/// </summary>
public sealed class SearchScratch
{
    internal float[] Scores = [];
    internal int[] Order = [];
    internal long[] SelectedIds = [];
    internal float[] RowScores = [];
    internal int[] PairClusters = [];
    internal int[] PairQueries = [];
    internal int[] ClusterCounts = [];
    internal int[] SortedQueries = [];
    internal int[] PlanMembers = [];
    internal float[] PlanScores = [];
    internal float[] PlanTile = [];
    internal SearchCounters Counters;
    private long[] _clusterIds = [];
    private readonly TopK?[] _laneClusterHeaps = new TopK?[QueryBlock.MaxLanes];
    private QuantizedScan? _quantized;

    private TopK[] _budgetHeaps = [];

    /// <summary>Selects a shared budget's clusters from a query's centroid scores.</summary>
    internal TopCandidates Candidates { get; } = new();

    /// <summary>The clusters a <see cref="SharedProbePlanner"/> chose, per bucket.</summary>
    internal ProbePlan Plan { get; } = new();

    /// <summary><paramref name="count"/> emptied heaps of <paramref name="k"/> clusters each, for a small shared budget.</summary>
    internal TopK[] BudgetHeaps(int count, int k)
    {
        if (_budgetHeaps.Length < count || _budgetHeaps[0].K != k)
        {
            _budgetHeaps = new TopK[Math.Max(count, _budgetHeaps.Length)];
            for (int i = 0; i < _budgetHeaps.Length; i++)
            {
                _budgetHeaps[i] = new TopK(k);
            }
        }

        for (int i = 0; i < count; i++)
        {
            _budgetHeaps[i].Reset();
        }

        return _budgetHeaps;
    }

    /// <summary>The SQ8 scan state for one bucket call, its candidate heaps emptied.</summary>
    internal QuantizedScan BeginQuantized(ReadOnlySpan<int> queryIndexes, TopK[] heaps, int rerank) =>
        (_quantized ??= new QuantizedScan()).Begin(queryIndexes, heaps, rerank);

    /// <summary>
    /// Lets go of what one batch grew past <see cref="KeptBytes"/>: buffers, heaps, the plan and the SQ8 candidate heaps
    /// (k × rerank per query). A pooled scratch then holds a small constant between batches, not the largest batch's
    /// working set; a batch that needs more grows it again (a few allocations per batch, by doubling). Every holder
    /// of a scratch calls it when its batch (a worker's chunk, a bucket grain's request, a coordinator's pass) is done.
    /// </summary>
    public void EndBatch()
    {
        _quantized?.Trim(KeptBytes);
        if (_budgetHeaps.Length > 0 && _budgetHeaps.Length * _budgetHeaps[0].Bytes > KeptBytes)
        {
            _budgetHeaps = [];
        }

        Plan.Trim(KeptBytes);
        Trim(ref Scores);
        Trim(ref Order);
        Trim(ref SelectedIds);
        Trim(ref RowScores);
        Trim(ref PairClusters);
        Trim(ref PairQueries);
        Trim(ref ClusterCounts);
        Trim(ref SortedQueries);
        Trim(ref PlanMembers);
        Trim(ref PlanScores);
        Trim(ref PlanTile);
        Trim(ref _clusterIds);
    }

    /// <summary>A buffer kept between batches at most: a worker's plan and pairs for a few hundred queries.</summary>
    private const long KeptBytes = 1 << 20;

    private static void Trim<T>(ref T[] buffer)
    {
        if ((long)buffer.Length * Unsafe.SizeOf<T>() > KeptBytes)
        {
            buffer = [];
        }
    }

    internal T[] Rent<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }

        return buffer;
    }

    /// <summary>The queries of one blocked scan, laid out for the registers.</summary>
    internal QueryBlock Block { get; } = new();

    /// <summary>Lane <paramref name="lane"/>'s cluster-selection heap of a blocked centroid ranking (lane 0 also serves one query alone), emptied.</summary>
    internal TopK ClusterHeap(int lane, int probes)
    {
        ref TopK? heap = ref _laneClusterHeaps[lane];
        if (heap is null || heap.K != probes)
        {
            heap = new TopK(probes);
        }

        heap.Reset();
        return heap;
    }

    /// <summary>0, 1, …, count − 1 as ids, so cluster numbers can ride through a <see cref="TopK"/>.</summary>
    internal ReadOnlySpan<long> ClusterIds(int count)
    {
        if (_clusterIds.Length < count)
        {
            _clusterIds = new long[count];
            for (int i = 0; i < count; i++)
            {
                _clusterIds[i] = i;
            }
        }

        return _clusterIds.AsSpan(0, count);
    }
}
