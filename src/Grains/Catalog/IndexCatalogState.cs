using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Catalog;

/// <summary>The catalog's persistent state: every index by name.</summary>
[GenerateSerializer, Alias("hyperd.IndexCatalogState")]
public sealed class IndexCatalogState
{
    [Id(0)]
    public Dictionary<string, IndexSummary> Indexes { get; set; } = new(StringComparer.Ordinal);
}
