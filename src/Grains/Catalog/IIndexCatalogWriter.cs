using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Catalog;

/// <summary>What index grains tell the catalog (the same grain as <see cref="IIndexCatalogGrain"/>); clients never call it.</summary>
[Alias("hyperd.IIndexCatalogWriter")]
public interface IIndexCatalogWriter : IGrainWithIntegerKey
{
    /// <summary>Adds the index; an index already listed keeps its entry.</summary>
    [Alias("RegisterAsync")]
    Task RegisterAsync(IndexSummary index, CancellationToken cancellationToken = default);

    [Alias("UnregisterAsync")]
    Task UnregisterAsync(string name, CancellationToken cancellationToken = default);
}
