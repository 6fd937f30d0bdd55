using Orleans.Placement;

namespace HyperdOrleans.Grains.Placement;

/// <summary>Marks a grain class (the bucket grain) for <see cref="BucketReplicaPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class BucketReplicaPlacementAttribute() : PlacementAttribute(BucketReplicaPlacement.Instance);
