namespace HyperdOrleans.Engine.Search;

/// <summary>How a filtered search is planned.</summary>
public enum FilterStrategy
{
    /// <summary>Exact below <see cref="VectorIndex.ExactBelowSelectivity"/> of the rows kept, probing above it.</summary>
    Auto,

    /// <summary>Probe clusters in centroid order, widened until they hold enough matching rows.</summary>
    Probe,

    /// <summary>Scan every matching row exactly.</summary>
    Exact,
}
