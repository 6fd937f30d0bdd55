using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Grains.Serialization;

/// <summary>The engine's <see cref="BucketManifest"/> (one bucket's files) on the wire between build jobs, the index grain and buckets.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketManifest")]
public struct BucketManifestSurrogate
{
    [Id(0)]
    public int Bucket;

    [Id(1)]
    public long Count;

    [Id(2)]
    public int Clusters;

    [Id(3)]
    public string? CentroidsFile;

    [Id(4)]
    public string? CentroidsChecksum;

    [Id(5)]
    public string? ListsFile;

    [Id(6)]
    public string? ListsChecksum;

    [Id(7)]
    public string? CodesFile;

    [Id(8)]
    public string? CodesChecksum;

    [Id(9)]
    public string? FieldsFile;

    [Id(10)]
    public string? FieldsChecksum;

    [Id(11)]
    public ShardManifest[]? Shards;
}

[RegisterConverter]
public sealed class BucketManifestSurrogateConverter : IConverter<BucketManifest, BucketManifestSurrogate>
{
    public BucketManifest ConvertFromSurrogate(in BucketManifestSurrogate s) =>
        new(s.Bucket, s.Count, s.Clusters, s.CentroidsFile, s.CentroidsChecksum, s.ListsFile, s.ListsChecksum, s.CodesFile, s.CodesChecksum,
            s.FieldsFile, s.FieldsChecksum, s.Shards);

    public BucketManifestSurrogate ConvertToSurrogate(in BucketManifest m) => new()
    {
        Bucket = m.Bucket,
        Count = m.Count,
        Clusters = m.Clusters,
        CentroidsFile = m.CentroidsFile,
        CentroidsChecksum = m.CentroidsChecksum,
        ListsFile = m.ListsFile,
        ListsChecksum = m.ListsChecksum,
        CodesFile = m.CodesFile,
        CodesChecksum = m.CodesChecksum,
        FieldsFile = m.FieldsFile,
        FieldsChecksum = m.FieldsChecksum,
        Shards = m.Shards,
    };
}
