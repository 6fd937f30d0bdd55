using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tuning;

/// <summary>
/// A tuning run: every measured setting (the curve, lshProbes then nprobe ascending), and the choice. With
/// <see cref="Reached"/> the choice is the cheapest setting whose recall less its margin is at or above the target;
/// without, the best recall measured. <see cref="FromIndex"/>: measured on rows of the index (false: real queries).
/// </summary>
public sealed record TuningResult(
    string IndexDirectory,
    long Generation,
    long IndexCount,
    double TargetRecall,
    int K,
    int SampleSize,
    IReadOnlyList<TuningPoint> Curve,
    TuningPoint Chosen,
    bool Reached,
    double ExactSeconds,
    double SweepSeconds,
    bool FromIndex = true)
{
    /// <summary>The manifest's record of this run.</summary>
    public TuningManifest ToManifest(DateTimeOffset tunedUtc) =>
        new(Generation, TargetRecall, K, SampleSize, Chosen.Recall, Chosen.DotsPerQuery, tunedUtc);
}
