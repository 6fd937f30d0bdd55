using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Engine.Build;

/// <summary>
/// Build settings. A bucket of n vectors gets min(<see cref="Clusters"/>, max(1, n / <see cref="MinPointsPerCluster"/>))
/// clusters, so small buckets keep clusters of a sensible size instead of a thousand near-empty ones.
/// </summary>
public sealed record IndexBuildOptions
{
    /// <summary>Clusters per bucket at full scale (the design's 1000).</summary>
    public int Clusters { get; init; } = 1000;

    /// <summary>The smallest average cluster a bucket is split into.</summary>
    public int MinPointsPerCluster { get; init; } = 100;

    /// <summary>Cores the build may use (0: every core). Bucket jobs run side by side, up to this many.</summary>
    public int Threads { get; init; }

    public int Seed { get; init; } = 42;

    public int Iterations { get; init; } = 20;

    /// <summary>k-means trains on a seeded sample of at most this many points per centroid.</summary>
    public int MaxPointsPerCentroid { get; init; } = 64;

    /// <summary>
    /// With false the LSH level is switched off: every vector lands in bucket 0 (thresholds above any cosine),
    /// which then holds all the clusters. For benchmarks that show what the eight buckets buy or cost.
    /// </summary>
    public bool LshEnabled { get; init; } = true;

    /// <summary>How the three LSH hyperplanes are chosen (principal directions of the sample by default).</summary>
    public LshPlanes LshPlanes { get; init; } = LshPlanes.Principal;

    /// <summary>How many rows pass 1 samples to fit the LSH planes and thresholds.</summary>
    public int LshSampleSize { get; init; } = 100_000;

    /// <summary>Float32 lists only, or float32 lists plus 8-bit codes that searches scan first.</summary>
    public VectorStorage Storage { get; init; } = VectorStorage.Float32;

    /// <summary>SQ8: fraction of each dimension's training values left outside the quantiser's range at each end.</summary>
    public double QuantizerTrim { get; init; } = ScalarQuantizer.DefaultTrim;

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Clusters, 1, nameof(Clusters));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Clusters, InvertedListsFile.MaxClusters, nameof(Clusters));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinPointsPerCluster, 1, nameof(MinPointsPerCluster));
        ArgumentOutOfRangeException.ThrowIfNegative(Threads, nameof(Threads));
        ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPointsPerCentroid, 1, nameof(MaxPointsPerCentroid));
        ArgumentOutOfRangeException.ThrowIfLessThan(LshSampleSize, 1, nameof(LshSampleSize));
        if (!Enum.IsDefined(Storage))
        {
            throw new ArgumentOutOfRangeException(nameof(Storage), Storage, $"storage must be Float32 or Sq8, got {Storage}.");
        }

        if (!(QuantizerTrim >= 0 && QuantizerTrim < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(QuantizerTrim), QuantizerTrim, $"the quantiser trim must be at least 0 and below 0.5, got {QuantizerTrim}.");
        }
    }

    /// <summary>The cluster count a bucket of <paramref name="count"/> vectors gets.</summary>
    public int ClustersFor(long count) => count == 0 ? 0 : (int)Math.Clamp(count / MinPointsPerCluster, 1, Clusters);

    internal KMeansOptions KMeans(int threads) => new()
    {
        Iterations = Iterations,
        MaxPointsPerCentroid = MaxPointsPerCentroid,
        Seed = Seed,
        Threads = threads,
    };
}
