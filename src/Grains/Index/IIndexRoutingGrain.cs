using HyperdOrleans.Engine.Storage;
using Orleans.Concurrency;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// What coordinators ask an index grain (same key: the index name) and clients never do: the manifest of the
/// generation it serves, from which a coordinator builds its route (hasher, defaults, bucket sizes).
/// </summary>
[Alias("hyperd.IIndexRoutingGrain")]
public interface IIndexRoutingGrain : IGrainWithStringKey
{
    /// <summary>The serving generation's manifest; <see cref="KeyNotFoundException"/> if no build has completed.</summary>
    [Alias("GetManifestAsync"), AlwaysInterleave]
    Task<IndexManifest> GetManifestAsync(CancellationToken cancellationToken = default);
}
