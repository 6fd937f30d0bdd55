using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;

using HyperdOrleans.Evaluation.Exact;

namespace HyperdOrleans.Bench.Data;

/// <summary>
/// A prepared data set in the cache: base and query files (.fvecs), the base normalised as a mapped raw file,
/// and the exact top-<see cref="GroundTruthK"/> of the first <see cref="QueryCount"/> queries.
/// </summary>
public sealed class Dataset : IDisposable
{
    public const int GroundTruthK = 100;

    public required string Name { get; init; }

    public required string Description { get; init; }

    public required string BasePath { get; init; }

    public required string QueriesPath { get; init; }

    public required UnitBase UnitBase { get; init; }

    /// <summary>The queries as read (not normalised), row-major.</summary>
    public required float[] Queries { get; init; }

    /// <summary>The queries normalised, row-major.</summary>
    public required float[] UnitQueries { get; init; }

    public required Neighbor[][] GroundTruth { get; init; }

    public int Dimensions => UnitBase.Dimensions;

    public long Count => UnitBase.Count;

    public int QueryCount => GroundTruth.Length;

    public long RawBytes => Count * Dimensions * sizeof(float);

    public VectorFile BaseFile => VectorFile.Open(BasePath);

    public void Dispose() => UnitBase.Dispose();
}
