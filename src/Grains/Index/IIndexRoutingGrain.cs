using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Grains.Buckets;
using Orleans.Concurrency;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// What coordinators and bucket replicas ask an index grain (same key: the index name) and clients never do: the manifest of the
/// generation it serves, from which a coordinator builds its route (hasher, defaults, bucket sizes).
/// </summary>
[Alias("hyperd.IIndexRoutingGrain")]
public interface IIndexRoutingGrain : IGrainWithStringKey
{
    /// <summary>The serving generation's manifest; <see cref="KeyNotFoundException"/> if no build has completed.</summary>
    [Alias("GetManifestAsync"), AlwaysInterleave]
    Task<IndexManifest> GetManifestAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// What <paramref name="bucket"/> serves in the index's manifest (null while the index has none), for a bucket replica that may
    /// have missed a generation switch. Interleaves with the index grain's own calls to buckets, so a replica may ask while the
    /// index grain waits on it.
    /// </summary>
    [Alias("ServingBucketAsync"), AlwaysInterleave]
    Task<BucketGeneration?> ServingBucketAsync(int bucket, CancellationToken cancellationToken = default);
}
