namespace HyperdOrleans.Engine.Search;

/// <summary>
/// A validated query batch: unit rows (row-major) and each row's eight buckets, nearest first, at row × 8.
/// Immutable once prepared; shared by every worker of one search.
/// </summary>
public sealed record PreparedQueries(float[] Unit, int[] ProbeOrders, int Dimensions)
{
    public int Count => Unit.Length / Dimensions;
}
