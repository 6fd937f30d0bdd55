using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// A rebuild in flight, kept in the index grain's state so that an activation which takes over from a dead silo finishes it:
/// from the start (same generation, same request) if it was cut off before its partition reached the store, else from its
/// build jobs, which then find the jobs still running on the surviving silos and run the lost ones again.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.RebuildCheckpoint")]
public sealed record RebuildCheckpoint(
    [property: Id(0)] long Generation,
    [property: Id(1)] BuildRequest Request,
    [property: Id(2)] DateTimeOffset StartedUtc,
    [property: Id(3)] int Resumes = 0,
    [property: Id(4)] PartitionCheckpoint? Partitioned = null);

/// <summary>
/// What a rebuild's later phases need once its partition is in the store (spill files named by generation and bucket): the new
/// planes, the watermark of pending data each bucket exported, the rows, the data fields, the source's name, and the shards
/// per bucket (chosen once: jobs still running from before a take-over split by it).
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.PartitionCheckpoint")]
public sealed record PartitionCheckpoint(
    [property: Id(0)] int Dimensions,
    [property: Id(1)] float[] Planes,
    [property: Id(2)] float[] Thresholds,
    [property: Id(3)] long[] Watermarks,
    [property: Id(4)] long Total,
    [property: Id(5)] string SourceName,
    [property: Id(6)] DataField[]? Fields,
    [property: Id(7)] int Shards);
