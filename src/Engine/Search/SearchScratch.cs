using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Search.Blocked;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// A worker's buffers for the search path, grown on demand and reused across queries so that the scan allocates
/// nothing per query or per vector; rented from a <see cref="ScratchPool"/> for a batch. Not thread-safe: one per worker.
/// </summary>
public sealed class SearchScratch
{
    internal float[] Scores = [];
    internal long[] SelectedIds = [];
    internal float[] RowScores = [];
    internal int[] PairClusters = [];
    internal int[] PairQueries = [];
    internal int[] ClusterCounts = [];
    internal int[] SortedQueries = [];
    internal int[] PlanMembers = [];
    internal float[] PlanScores = [];
    internal float[] PlanTile = [];
    internal int[] GatherPositions = [];
    internal float[] GatherRows = [];
    internal long[] GatherIds = [];
    internal SearchCounters Counters;
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

    /// <summary>Ends a batch: the plan is emptied; the buffers stay for the next batch (a <see cref="ScratchPool"/> releases
    /// them when idle).</summary>
    public void EndBatch() => Plan.Clear();

    /// <summary>
    /// Lets go of every buffer a batch grew (buffers, heaps, the plan, the SQ8 candidate heaps of k × rerank per
    /// query), leaving what a new scratch holds; the next batch grows them again.
    /// </summary>
    public void Release()
    {
        _quantized = null;
        _budgetHeaps = [];
        Plan.Release();
        Scores = [];
        SelectedIds = [];
        RowScores = [];
        PairClusters = [];
        PairQueries = [];
        ClusterCounts = [];
        SortedQueries = [];
        PlanMembers = [];
        PlanScores = [];
        PlanTile = [];
        GatherPositions = [];
        GatherRows = [];
        GatherIds = [];
    }

    /// <summary>What the buffers a batch grows hold (the register block and the candidate selection are sized by the index, not the batch).</summary>
    internal long Bytes
    {
        get
        {
            long bytes = ((long)Scores.Length + RowScores.Length + PlanScores.Length + PlanTile.Length + GatherRows.Length) * sizeof(float)
                + ((long)PairClusters.Length + PairQueries.Length + ClusterCounts.Length + SortedQueries.Length + PlanMembers.Length) * sizeof(int)
                + (long)GatherPositions.Length * sizeof(int)
                + ((long)SelectedIds.Length + GatherIds.Length) * sizeof(long)
                + Plan.Bytes + (_quantized?.Bytes ?? 0);
            foreach (TopK heap in _budgetHeaps)
            {
                bytes += heap.Bytes;
            }

            return bytes;
        }
    }

    internal T[] Rent<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            // Unzeroed: a reused buffer holds the last batch's values anyway, so every caller writes (or clears) what it reads.
            buffer = GC.AllocateUninitializedArray<T>(Math.Max(length, buffer.Length * 2));
        }

        return buffer;
    }

    /// <summary>The queries of one blocked scan, laid out for the registers.</summary>
    internal QueryBlock Block { get; } = new();
}
