namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// A bucket replica's view of itself; <see cref="AppliedSequence"/> is the newest log record it holds, <see cref="Silo"/> where it
/// runs, <see cref="Replica"/> which copy of the bucket it is (0 .. Hyperd:Replicas - 1), <see cref="Shard"/> which shard of the bucket
/// (0 when it is not split; <see cref="Count"/> and <see cref="Clusters"/> are then the shard's).
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketStatus")]
public sealed record BucketStatus(
    [property: Id(0)] string Index,
    [property: Id(1)] int Bucket,
    [property: Id(2)] long Generation,
    [property: Id(3)] long Count,
    [property: Id(4)] int Clusters,
    [property: Id(5)] long PendingRows,
    [property: Id(6)] long PendingOperations,
    [property: Id(7)] string Silo,
    [property: Id(8)] long AppliedSequence,
    [property: Id(9)] int Replica = 0,
    [property: Id(10)] int Shard = 0);
