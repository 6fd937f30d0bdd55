using System.Globalization;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Engine.Build;

/// <summary>
/// Build settings. How many clusters a bucket gets is <see cref="ClustersFor"/>: its share of FAISS's rule of thumb
/// for the whole index (<see cref="ClustersPerSqrtN"/> × √N), at most <see cref="Clusters"/> and at least
/// <see cref="MinPointsPerCluster"/> rows per cluster on average.
/// </summary>
public sealed record IndexBuildOptions
{
    /// <summary>Clusters per bucket at full scale (the design's 1000).</summary>
    public int Clusters { get; init; } = 1000;

    /// <summary>The smallest average cluster a bucket is split into.</summary>
    public int MinPointsPerCluster { get; init; } = 100;

    /// <summary>
    /// Total clusters per √N over the whole index (N rows), shared out to the buckets by size: FAISS's 4√N. Below
    /// the cap, finer clusters cost more to rank (every query scores every centroid of a probed bucket) than they
    /// save in rows scanned: at 1M rows 500 clusters per bucket reach recall@10 0.95 faster than 1000
    /// (docs/benchmarks). 0 turns the rule off (only the cap and the minimum cluster size).
    /// </summary>
    public double ClustersPerSqrtN { get; init; } = 4;

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

    /// <summary>
    /// Shards per bucket for a cluster's build (0: <see cref="ShardRule"/> chooses from the index's size and the cluster). The
    /// in-process build writes unsharded buckets whatever this says.
    /// </summary>
    public int Shards { get; init; }

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Clusters, 1, nameof(Clusters));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Clusters, InvertedListsFile.MaxClusters, nameof(Clusters));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinPointsPerCluster, 1, nameof(MinPointsPerCluster));
        if (!(ClustersPerSqrtN >= 0 && double.IsFinite(ClustersPerSqrtN)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(ClustersPerSqrtN),
                ClustersPerSqrtN,
                $"clusters per √N must be a finite number of at least 0, got {ClustersPerSqrtN}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Threads, nameof(Threads));
        ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPointsPerCentroid, 1, nameof(MaxPointsPerCentroid));
        ArgumentOutOfRangeException.ThrowIfLessThan(LshSampleSize, 1, nameof(LshSampleSize));
        ArgumentOutOfRangeException.ThrowIfNegative(Shards, nameof(Shards));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Shards, ShardRule.MaxShards, nameof(Shards));
        if (!Enum.IsDefined(Storage))
        {
            throw new ArgumentOutOfRangeException(nameof(Storage), Storage, $"storage must be Float32 or Sq8, got {Storage}.");
        }

        if (!(QuantizerTrim >= 0 && QuantizerTrim < 0.5))
        {
            throw new ArgumentOutOfRangeException(
                nameof(QuantizerTrim),
                QuantizerTrim,
                $"the quantiser trim must be at least 0 and below 0.5, got {QuantizerTrim}.");
        }
    }

    /// <summary>
    /// The cluster count a bucket of <paramref name="count"/> vectors gets in an index of
    /// <paramref name="indexCount"/>: min(<see cref="Clusters"/>, n / <see cref="MinPointsPerCluster"/>,
    /// <see cref="ClustersPerSqrtN"/> × √N × n / N), and at least 1.
    /// </summary>
    public int ClustersFor(long count, long indexCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(indexCount, count, nameof(indexCount));
        if (count == 0)
        {
            return 0;
        }

        long k = Math.Min(Clusters, count / MinPointsPerCluster);
        if (ClustersPerSqrtN > 0)
        {
            k = Math.Min(k, (long)Math.Round(ClustersPerSqrtN * Math.Sqrt(indexCount) * count / indexCount));
        }

        return (int)Math.Max(1, k);
    }

    /// <summary>How <see cref="ClustersFor"/> sizes the buckets, in words for a build's log.</summary>
    public string DescribeClusters() => ClustersPerSqrtN > 0
        ? $"up to {Clusters} clusters per bucket ({ClustersPerSqrtN.ToString("0.##", CultureInfo.InvariantCulture)}·√N in all)"
        : $"up to {Clusters} clusters per bucket";

    internal KMeansOptions KMeans(int threads) => new()
    {
        Iterations = Iterations,
        MaxPointsPerCentroid = MaxPointsPerCentroid,
        Seed = Seed,
        Threads = threads,
    };
}
