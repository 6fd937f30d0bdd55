using HyperdOrleans.Abstractions;
using Orleans.Concurrency;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// A write's first stop: the silo whose gateway took it, which passes it on to the index grain. The write's deadline travels in
/// the request context and its cancellation with the token, so the index grain sees the caller's own.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class WriteRouterGrain : Grain, IWriteRouterGrain
{
    public Task<MutationResult> AppendAsync(string index, VectorBatch batch, CancellationToken cancellationToken = default) =>
        IndexGrain(index).AppendAsync(batch, cancellationToken);

    public Task<MutationResult> DeleteAsync(string index, long[] ids, CancellationToken cancellationToken = default) =>
        IndexGrain(index).DeleteAsync(ids, cancellationToken);

    private IIndexGrain IndexGrain(string index)
    {
        IndexNames.Validate(index);
        return GrainFactory.GetGrain<IIndexGrain>(index);
    }
}
