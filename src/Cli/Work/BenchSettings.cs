using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Evaluation.Data;

namespace HyperdOrleans.Cli.Work;

/// <summary>What <c>hyperd bench</c> was asked to do, after parsing. Exactly one of <see cref="Input"/> and <see cref="Generate"/> is set.</summary>
internal sealed record BenchSettings
{
    public string? Input { get; init; }

    public string? Queries { get; init; }

    public SyntheticKind? Generate { get; init; }

    public long Count { get; init; }

    /// <summary>Queries to generate, or to take from the start of <see cref="Queries"/> (null: all of them).</summary>
    public int? QueryCount { get; init; }

    public int? Dimensions { get; init; }

    public required string DataFolder { get; init; }

    /// <summary>The engine index directory (in cluster mode only a name source and the embedded silo's home; may be empty).</summary>
    public required string Index { get; init; }

    public bool Rebuild { get; init; }

    public int Clusters { get; init; }

    public int Seed { get; init; }

    public int K { get; init; }

    public int? LshProbes { get; init; }

    public int? NProbe { get; init; }

    public int? Rerank { get; init; }

    public ProbeBudget Budget { get; init; }

    /// <summary>Storage of an index the bench builds; a reused index must have been built with the same.</summary>
    public VectorStorage Storage { get; init; }

    public int Threads { get; init; }

    public int LatencyQueries { get; init; }

    /// <summary>Queries per request: the cluster's requests, and the engine's batches in the first-second measure.</summary>
    public int Batch { get; init; } = Commands.CliOptions.DefaultBatch;

    /// <summary>Tune the index's defaults to the cheapest setting reaching this recall@k before measuring (null: keep them).</summary>
    public double? TargetRecall { get; init; }

    /// <summary>The tuning run <see cref="TargetRecall"/> asks for: rows of the index with the margin, the choice printed in one line.</summary>
    public TuneRun? Tuning => TargetRecall is double target
        ? new TuneRun(
            null,
            new Engine.Tuning.TuningOptions { TargetRecall = target, K = K, Threads = Threads, Seed = Seed },
            DryRun: false,
            JsonPath: null,
            Curve: false)
        : null;

    /// <summary>Stops the bench when tuning for <see cref="TargetRecall"/> ended with <paramref name="exitCode"/> other than success.</summary>
    public void RequireTuned(int exitCode)
    {
        if (exitCode != ExitCodes.Success)
        {
            throw new CliException($"--target-recall {TargetRecall} was not reached (see above); lower it, or rebuild with more clusters.");
        }
    }
}
