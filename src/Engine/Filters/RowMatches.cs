namespace HyperdOrleans.Engine.Filters;

/// <summary>
/// The rows of one bucket that a filter keeps: their bitmap (file-row order), how many of each cluster's rows it keeps,
/// and the total. Made once per search call and bucket, before any query is scanned; read-only after, so the
/// workers of a batch share it. The planner widens probes from <see cref="ClusterCounts"/>; the scan skips the rest.
/// </summary>
public sealed class RowMatches
{
    public RowMatches(RowBitmap rows, ReadOnlySpan<long> clusterStarts)
    {
        Rows = rows;
        ClusterCounts = new int[clusterStarts.Length - 1];
        for (int c = 0; c < ClusterCounts.Length; c++)
        {
            ClusterCounts[c] = rows.CountRange(clusterStarts[c], clusterStarts[c + 1]);
            Total += ClusterCounts[c];
        }
    }

    public RowBitmap Rows { get; }

    public int[] ClusterCounts { get; }

    public long Total { get; }
}
