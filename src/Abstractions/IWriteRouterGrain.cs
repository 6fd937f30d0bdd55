namespace HyperdOrleans.Abstractions;

/// <summary>
/// Hands appends and deletes to the index grain (the single writer) from whichever silo the call arrived at. A stateless worker,
/// so a client that takes another key for each write and each retry sends its writes through different gateways: a write whose
/// gateway was cut off goes again through another one instead of waiting until the cluster evicts that silo.
/// </summary>
[Alias("hyperd.IWriteRouterGrain")]
public interface IWriteRouterGrain : IGrainWithIntegerKey
{
    /// <summary>What <see cref="IIndexGrain.AppendAsync"/> on <paramref name="index"/> does; its answer or error as it came.</summary>
    [Alias("AppendAsync")]
    Task<MutationResult> AppendAsync(string index, VectorBatch batch, CancellationToken cancellationToken = default);

    /// <summary>What <see cref="IIndexGrain.DeleteAsync"/> on <paramref name="index"/> does; its answer or error as it came.</summary>
    [Alias("DeleteAsync")]
    Task<MutationResult> DeleteAsync(string index, long[] ids, CancellationToken cancellationToken = default);
}
