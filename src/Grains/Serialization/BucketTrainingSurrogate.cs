using HyperdOrleans.Engine.Build;

namespace HyperdOrleans.Grains.Serialization;

/// <summary>
/// The engine's <see cref="BucketTraining"/> (a bucket's centroids, labels and shard split), from its training job to its shard jobs.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketTraining")]
public struct BucketTrainingSurrogate
{
    [Id(0)]
    public int Bucket;

    [Id(1)]
    public long Rows;

    [Id(2)]
    public int Clusters;

    [Id(3)]
    public string? CentroidsFile;

    [Id(4)]
    public string? CentroidsChecksum;

    [Id(5)]
    public string? LabelsFile;

    [Id(6)]
    public long[] Sizes;

    [Id(7)]
    public int[] Starts;

    [Id(8)]
    public float[]? QuantizerMin;

    [Id(9)]
    public float[]? QuantizerStep;
}

[RegisterConverter]
public sealed class BucketTrainingSurrogateConverter : IConverter<BucketTraining, BucketTrainingSurrogate>
{
    public BucketTraining ConvertFromSurrogate(in BucketTrainingSurrogate s) =>
        new(s.Bucket, s.Rows, s.Clusters, s.CentroidsFile, s.CentroidsChecksum, s.LabelsFile, s.Sizes, s.Starts, s.QuantizerMin, s.QuantizerStep);

    public BucketTrainingSurrogate ConvertToSurrogate(in BucketTraining m) => new()
    {
        Bucket = m.Bucket,
        Rows = m.Rows,
        Clusters = m.Clusters,
        CentroidsFile = m.CentroidsFile,
        CentroidsChecksum = m.CentroidsChecksum,
        LabelsFile = m.LabelsFile,
        Sizes = m.Sizes,
        Starts = m.Starts,
        QuantizerMin = m.QuantizerMin,
        QuantizerStep = m.QuantizerStep,
    };
}
