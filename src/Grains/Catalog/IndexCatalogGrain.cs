using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Catalog;

/// <summary>
/// The list of indexes. One grain for the cluster: it changes only when an index is created, first built or dropped, and
/// its state is a few bytes per index, so one activation is never the bottleneck of anything.
/// </summary>
public sealed class IndexCatalogGrain(
    [PersistentState("catalog", HyperdStorage.Name)] IPersistentState<IndexCatalogState> state) : Grain, IIndexCatalogGrain, IIndexCatalogWriter
{
    public Task<IndexSummary[]> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Indexes.Values.OrderBy(i => i.Name, StringComparer.Ordinal).ToArray());

    public async Task RegisterAsync(IndexSummary index, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (state.State.Indexes.TryAdd(index.Name, index))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task UnregisterAsync(string name, CancellationToken cancellationToken = default)
    {
        if (state.State.Indexes.Remove(name))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }
}
