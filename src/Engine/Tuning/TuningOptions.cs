namespace HyperdOrleans.Engine.Tuning;

/// <summary>What <see cref="ProbeTuner"/> aims for and how much it measures.</summary>
public sealed record TuningOptions
{
    /// <summary>The nprobe values tried for each lshProbes (clamped to the largest bucket's cluster count).</summary>
    public static IReadOnlyList<int> DefaultNProbes { get; } = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200];

    /// <summary>Recall@<see cref="K"/> the chosen setting must reach on the sample (more than 0, at most 1).</summary>
    public double TargetRecall { get; init; } = 0.95;

    public int K { get; init; } = 10;

    /// <summary>Rows of the index used as held-out queries (fewer if the index is smaller).</summary>
    public int SampleSize { get; init; } = 1000;

    /// <summary>Worker threads for the exact pass and the searches (0: every core).</summary>
    public int Threads { get; init; }

    /// <summary>Seeds the sample; the same seed and index give the same sample, curve and choice (q/s aside).</summary>
    public int Seed { get; init; } = 42;

    public IReadOnlyList<int> NProbes { get; init; } = DefaultNProbes;

    /// <summary>
    /// On rows of the index (no real queries), a setting reaches the target only if its sample recall less this
    /// many standard errors of that recall (the spread of the per-query recalls over √n, measured per setting) does:
    /// the one-sided 95 % bound by default. It lifts the target by what the sample can measure (its own sampling
    /// error); the in-sample bias it cannot measure is why real queries are better. 0: the plain target.
    /// </summary>
    public double MarginZ { get; init; } = 1.645;

    /// <summary>
    /// Along nprobe, a lshProbes row stops once recall reaches this: larger nprobe can only cost more for
    /// nothing measurable on the sample.
    /// </summary>
    public double SaturatedRecall { get; init; } = 0.999;

    /// <summary>
    /// A lshProbes row also stops when one nprobe step gains less recall than this: its recall has levelled off at
    /// what its buckets hold (the true neighbours left are in buckets it does not probe), and more clusters buy nothing.
    /// </summary>
    public double MinGain { get; init; } = 0.0005;

    internal void Validate()
    {
        if (!(TargetRecall is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(TargetRecall),
                TargetRecall,
                $"the target recall must be more than 0 and at most 1, got {TargetRecall}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(K, 1, nameof(K));
        ArgumentOutOfRangeException.ThrowIfLessThan(SampleSize, 1, nameof(SampleSize));
        ArgumentOutOfRangeException.ThrowIfNegative(Threads, nameof(Threads));
        if (!(SaturatedRecall is > 0 and <= 1) || !(MinGain >= 0))
        {
            throw new ArgumentOutOfRangeException(
                nameof(SaturatedRecall),
                $"saturated recall {SaturatedRecall} must be in (0, 1] and the minimum gain {MinGain} not negative.");
        }

        if (!(MarginZ >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MarginZ), MarginZ, $"the margin in standard errors must not be negative, got {MarginZ}.");
        }

        if (NProbes.Count == 0 || NProbes.Any(n => n < 1))
        {
            throw new ArgumentException($"nprobe values must be at least 1, got [{string.Join(", ", NProbes)}].", nameof(NProbes));
        }
    }
}
