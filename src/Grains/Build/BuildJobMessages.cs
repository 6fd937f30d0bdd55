using HyperdOrleans.Abstractions;
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
    [property: Id(13)] int Shards = 1);

/// <summary>A build job's status and, once it succeeded, the bucket's manifest entry for the files it uploaded.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.BuildJobReport")]
public sealed record BuildJobReport(
    [property: Id(0)] BuildJobStatus Status,
    [property: Id(1)] BucketManifest? Result = null);
