namespace HyperdOrleans.Engine;

/// <summary>
/// Per-query search settings (FAISS's <c>SearchParametersIVF</c>): they travel with the query
/// instead of mutating the index, so one open index serves many settings at once.
/// </summary>
/// <param name="LshProbes">How many of the 8 LSH buckets to probe, own bucket first (1..8).</param>
/// <param name="NProbe">
/// Clusters per probed bucket (at least 1). Under <see cref="ProbeBudget.Shared"/> a query scans lshProbes × nprobe
/// clusters in all, chosen across its probed buckets; under <see cref="ProbeBudget.PerBucket"/> the best nprobe of
/// each (clamped to a bucket's cluster count).
/// </param>
/// <param name="Rerank">
/// SQ8 indexes only: each probed bucket keeps its best k × Rerank candidates by code and re-scores them exactly
/// from the float32 rows (at least 1). Float32 indexes ignore it.
/// </param>
/// <param name="Budget">How the clusters are spent over the probed buckets.</param>
public sealed record SearchParameters(
    int LshProbes = SearchParameters.DefaultLshProbes,
    int NProbe = SearchParameters.DefaultNProbe,
    int Rerank = SearchParameters.DefaultRerank,
    ProbeBudget Budget = ProbeBudget.Shared)
{
    public const int DefaultLshProbes = 6;
    public const int DefaultNProbe = 50;
    public const int DefaultRerank = 4;

    public static SearchParameters Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad setting.</summary>
    public void Validate(int bucketCount)
    {
        if (LshProbes < 1 || LshProbes > bucketCount)
        {
            throw new ArgumentOutOfRangeException(nameof(LshProbes), LshProbes, $"lshProbes must be between 1 and {bucketCount}, got {LshProbes}.");
        }

        if (NProbe < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NProbe), NProbe, $"nprobe must be at least 1, got {NProbe}.");
        }

        if (Rerank < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Rerank), Rerank, $"rerank must be at least 1, got {Rerank}.");
        }

        if (!Enum.IsDefined(Budget))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Budget),
                Budget,
                $"budget must be {ProbeBudget.Shared} or {ProbeBudget.PerBucket}, got {(int)Budget}.");
        }
    }
}
