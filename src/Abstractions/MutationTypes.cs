namespace HyperdOrleans.Abstractions;

/// <summary>
/// Vectors with caller-chosen 64-bit ids: <c>Vectors</c> is row-major, one row per id. <see cref="Fields"/> (for an index
/// with data fields) holds each row's values, aligned with the index's fields; null gives every row missing values.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.VectorBatch")]
public sealed record VectorBatch([property: Id(0)] long[] Ids, [property: Id(1)] float[] Vectors, [property: Id(2)] object?[][]? Fields = null);

/// <summary>The outcome of an append or a delete.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.MutationResult")]
public sealed record MutationResult([property: Id(0)] int Applied, [property: Id(1)] long PendingOperations, [property: Id(2)] bool RebuildScheduled);
