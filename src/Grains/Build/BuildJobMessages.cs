using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Grains.Build;

/// <summary>What one bucket's build job needs: where its spill is, the build settings, the rows of the whole index
/// (which set the bucket's share of clusters), and how many shards to split the bucket into.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.BuildJobRequest")]
public sealed record BuildJobRequest(
    [property: Id(0)] string Index,
    [property: Id(1)] long Generation,
    [property: Id(2)] int Bucket,
    [property: Id(3)] int Dimensions,
    [property: Id(4)] string SpillName,
    [property: Id(5)] int Clusters,
    [property: Id(6)] int MinPointsPerCluster,
    [property: Id(7)] int Iterations,
    [property: Id(8)] int MaxPointsPerCentroid,
    [property: Id(9)] int Seed,
    [property: Id(10)] long IndexCount,
    [property: Id(11)] IndexStorage Storage = IndexStorage.Float32,
    [property: Id(12)] DataField[]? Fields = null,
    [property: Id(13)] int Shards = 1,
    [property: Id(14)] BuildJobKind Kind = BuildJobKind.Whole,
    [property: Id(15)] int Shard = 0,
    [property: Id(16)] BucketTraining? Training = null);

/// <summary>
/// What a build job does: a whole bucket (train, assign, write every shard: the job of an unsharded build), a split bucket's
/// training (centroids, labels and shard ranges), or one shard's files from that training.
/// </summary>
[GenerateSerializer, Alias("hyperd.BuildJobKind")]
public enum BuildJobKind
{
    Whole = 0,
    Train = 1,
    Shard = 2,
}

/// <summary>
/// A build job's status and, once it succeeded, what it made: a whole bucket's manifest entry, a training, or one shard's entry.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BuildJobReport")]
public sealed record BuildJobReport(
    [property: Id(0)] BuildJobStatus Status,
    [property: Id(1)] BucketManifest? Result = null,
    [property: Id(2)] BucketTraining? Trained = null,
    [property: Id(3)] ShardManifest? ShardResult = null);
