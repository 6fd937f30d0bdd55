using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Grains.Serialization;

/// <summary>The engine's <see cref="ShardManifest"/> (one shard's files) on the wire, inside a <see cref="BucketManifestSurrogate"/>.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.ShardManifest")]
public struct ShardManifestSurrogate
{
    [Id(0)]
    public int FirstCluster;

    [Id(1)]
    public int Clusters;

    [Id(2)]
    public long Count;

    [Id(3)]
    public string ListsFile;

    [Id(4)]
    public string ListsChecksum;

    [Id(5)]
    public string? CodesFile;

    [Id(6)]
    public string? CodesChecksum;

    [Id(7)]
    public string? FieldsFile;

    [Id(8)]
    public string? FieldsChecksum;
}

[RegisterConverter]
public sealed class ShardManifestSurrogateConverter : IConverter<ShardManifest, ShardManifestSurrogate>
{
    public ShardManifest ConvertFromSurrogate(in ShardManifestSurrogate s) =>
        new(s.FirstCluster, s.Clusters, s.Count, s.ListsFile, s.ListsChecksum, s.CodesFile, s.CodesChecksum, s.FieldsFile, s.FieldsChecksum);

    public ShardManifestSurrogate ConvertToSurrogate(in ShardManifest m) => new()
    {
        FirstCluster = m.FirstCluster,
        Clusters = m.Clusters,
        Count = m.Count,
        ListsFile = m.ListsFile,
        ListsChecksum = m.ListsChecksum,
        CodesFile = m.CodesFile,
        CodesChecksum = m.CodesChecksum,
        FieldsFile = m.FieldsFile,
        FieldsChecksum = m.FieldsChecksum,
    };
}
