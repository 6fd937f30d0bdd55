namespace HyperdOrleans.Engine.Build;

/// <summary>
/// What a bucket's first build phase (<see cref="BucketBuilder.Train"/>) leaves for writing its shards: the centroids file and
/// the labels file (relative to the index directory; null for an empty bucket), every cluster's size, where each shard's
/// clusters start (then the cluster count), and the SQ8 quantiser's range when the build stores codes.
/// </summary>
public sealed record BucketTraining(
    int Bucket,
    long Rows,
    int Clusters,
    string? CentroidsFile,
    string? CentroidsChecksum,
    string? LabelsFile,
    long[] Sizes,
    int[] Starts,
    float[]? QuantizerMin,
    float[]? QuantizerStep)
{
    public int ShardCount => Starts.Length - 1;
}
