namespace HyperdOrleans.Grains.Buckets;

/// <summary>What a bucket carries to its next activation when it moves: its pending batches and the newest sequence it holds.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.CarriedPending")]
public sealed record CarriedPending([property: Id(0)] long Applied, [property: Id(1)] PendingBatch[] Batches);
