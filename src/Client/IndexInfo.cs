using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Client;

/// <summary>
/// What a client needs to query an index: its shape, the generation that serves, and the probes a query without
/// options gets (null from a silo that predates <see cref="IndexStatus.Defaults"/>). A snapshot: a rebuild may
/// switch generations, and tuning the defaults, right after it was read.
/// </summary>
public sealed record IndexInfo(string Index, int Dimensions, long Count, long Generation, IndexDefaults? Defaults)
{
    /// <summary>Throws <see cref="KeyNotFoundException"/> for an index with no built generation.</summary>
    public static IndexInfo From(IndexStatus status) =>
        status.Exists
            ? new IndexInfo(status.Index, status.Dimensions, status.Count, status.Generation, status.Defaults)
            : throw new KeyNotFoundException($"index '{status.Index}' has no built generation yet; build it first.");
}
