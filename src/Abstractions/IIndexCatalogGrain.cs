using Orleans.Concurrency;

namespace HyperdOrleans.Abstractions;

/// <summary>
/// The cluster's list of indexes (one grain, key 0): each index enters it when it is created or first built and leaves it
/// when it is dropped.
/// </summary>
[Alias("hyperd.IIndexCatalogGrain")]
public interface IIndexCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Every index, by name.</summary>
    [Alias("ListAsync"), ReadOnly]
    Task<IndexSummary[]> ListAsync(CancellationToken cancellationToken = default);
}
