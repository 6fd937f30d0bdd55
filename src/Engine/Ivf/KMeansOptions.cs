namespace HyperdOrleans.Engine.Ivf;

/// <summary>
/// Spherical k-means settings, stated as plainly as FAISS's <c>ClusteringParameters</c>: k-means++ seeding,
/// at most <see cref="Iterations"/> Lloyd rounds (fewer once under 0.1 % of points change cluster), training
/// on a seeded sample of at most <see cref="MaxPointsPerCentroid"/> points per centroid.
/// </summary>
public sealed record KMeansOptions
{
    public int Iterations { get; init; } = 20;

    public int MaxPointsPerCentroid { get; init; } = 64;

    public int Seed { get; init; } = 42;

    /// <summary>Degree of parallelism of the assignment steps; 0 means every core.</summary>
    public int Threads { get; init; }

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;
}
