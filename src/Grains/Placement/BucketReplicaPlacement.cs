using Orleans.Runtime;

namespace HyperdOrleans.Grains.Placement;

/// <summary>
/// Places the replicas of one bucket on distinct silos: see <see cref="BucketReplicaPlacementDirector"/>. Carries no
/// settings, so every silo builds the same strategy from the grain type's attribute.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketReplicaPlacement")]
public sealed class BucketReplicaPlacement : PlacementStrategy
{
    public static readonly BucketReplicaPlacement Instance = new();
}
