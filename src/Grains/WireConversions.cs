using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Grains;

/// <summary>Between the engine's manifest records and the wire types (which carry Orleans serializer ids).</summary>
internal static class WireConversions
{
    public static BucketManifest ToEngine(this BucketFiles f) =>
        new(f.Bucket, f.Count, f.Clusters, f.CentroidsFile, f.CentroidsChecksum, f.ListsFile, f.ListsChecksum, f.CodesFile, f.CodesChecksum);

    public static BucketFiles ToWire(this BucketManifest m) =>
        new(m.Bucket, m.Count, m.Clusters, m.CentroidsFile, m.CentroidsChecksum, m.ListsFile, m.ListsChecksum, m.CodesFile, m.CodesChecksum);
}
