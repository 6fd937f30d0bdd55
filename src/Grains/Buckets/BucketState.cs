namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// A bucket grain's persistent state: only the generation it serves. Its pending mutations live in the index's
/// write-ahead log (written once by the index grain) and are replayed from it when the bucket activates, so an
/// append never rewrites bucket state.
/// </summary>
[GenerateSerializer, Alias("hyperd.BucketState.v2")]
public sealed class BucketState
{
    [Id(0)]
    public BucketGeneration? Current { get; set; }
}
