namespace HyperdOrleans.Engine.Filters;

/// <summary>
/// A filter's matches in every bucket of one generation (null for an empty bucket), made once per search call: what
/// the planner widens probes by and what the scan skips rows by. Read-only; shared by the workers of a batch.
/// </summary>
public sealed class FilterPlan
{
    public FilterPlan(RowMatches?[] buckets, long rows)
    {
        Buckets = buckets;
        Rows = rows;
        Total = buckets.Sum(b => b?.Total ?? 0);
    }

    public RowMatches?[] Buckets { get; }

    /// <summary>Rows the generation holds.</summary>
    public long Rows { get; }

    /// <summary>Rows the filter keeps.</summary>
    public long Total { get; }

    /// <summary>The share of rows the filter keeps.</summary>
    public double Selectivity => Rows == 0 ? 0 : (double)Total / Rows;

    /// <summary>How many rows of cluster <paramref name="cluster"/> of bucket <paramref name="bucket"/> the filter keeps.</summary>
    public int Count(int bucket, int cluster) => Buckets[bucket]?.ClusterCounts[cluster] ?? 0;
}
