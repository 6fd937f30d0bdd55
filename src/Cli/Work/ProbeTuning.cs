using HyperdOrleans.Abstractions;
using HyperdOrleans.Cli.Cluster;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Tuning;
using Spectre.Console;

namespace HyperdOrleans.Cli.Work;

/// <summary>
/// What a tuning run measures on and what it does with the choice: <paramref name="QueriesPath"/> real queries (null:
/// rows of the index, with the margin), <paramref name="DryRun"/> records nothing, <paramref name="Curve"/> prints
/// every measured setting (false: the choice only, as <c>bench --target-recall</c> does).
/// </summary>
internal sealed record TuneRun(string? QueriesPath, TuningOptions Options, bool DryRun, string? JsonPath, bool Curve = true);

/// <summary>
/// <c>hyperd tune</c>'s work, shared with <c>hyperd bench --target-recall</c>: measure the curve on an engine index
/// directory and record the cheapest setting that reaches the target as the index's defaults, in its manifest
/// (engine) or through <see cref="Client.HyperdClient.SetDefaultsAsync"/> (cluster).
/// </summary>
internal static class ProbeTuning
{
    public static int TuneEngine(CliContext context, string directory, TuneRun run, CancellationToken cancellationToken)
    {
        TuningResult result = Measure(context, directory, run, cancellationToken);
        if (Verdict(context, result, run, directory) is { } exit)
        {
            return exit;
        }

        TunedDefaults.Record(result, DateTimeOffset.UtcNow);
        context.Ui.WriteLine($"recorded lshProbes={result.Chosen.LshProbes} nprobe={result.Chosen.NProbe} as {directory}'s defaults");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Measures on the engine files of the generation the cluster serves (the embedded silo's store, or
    /// <c>--engine-index</c>), then records the choice with <see cref="Client.HyperdClient.SetDefaultsAsync"/>.
    /// </summary>
    public static async Task<int> TuneClusterAsync(CliContext context, ClusterSession session, TuneRun run, CancellationToken cancellationToken)
    {
        ClusterIndexInfo info = await ClusterIndexInfo.ReadAsync(session, cancellationToken);
        if (session.EngineDirectory is not { } directory || !Engine.Storage.ManifestStore.Exists(directory))
        {
            throw new CliException($"index '{session.Name}': the cluster's files are not on this machine; give --engine-index with a copy of the "
                + $"index's folder from the cluster's file store.");
        }

        TuningResult result = Measure(context, directory, run, cancellationToken);
        if (result.Generation != info.Status.Generation)
        {
            throw new CliException($"{directory} holds generation {result.Generation} but the cluster serves generation {info.Status.Generation} of "
                + $"index '{session.Name}': give --engine-index with the files of the generation it serves.");
        }

        string where = $"index '{session.Name}' in the {session.Choice.Target.Description}";
        if (Verdict(context, result, run, where) is { } exit)
        {
            return exit;
        }

        TuningPoint chosen = result.Chosen;
        var tuning = new IndexTuning(result.TargetRecall, result.K, result.SampleSize, chosen.Recall, chosen.DotsPerQuery, DateTimeOffset.UtcNow);
        IndexStatus status = await session.Client.SetDefaultsAsync(
            session.Name,
            new IndexDefaults(chosen.LshProbes, chosen.NProbe, tuning),
            cancellationToken: cancellationToken);
        context.Ui.WriteLine($"recorded lshProbes={status.Defaults!.LshProbes} nprobe={status.Defaults.NProbe} as the defaults of {where} (every "
            + $"coordinator uses them within a few seconds)");
        return ExitCodes.Success;
    }

    private static TuningResult Measure(CliContext context, string directory, TuneRun run, CancellationToken cancellationToken)
    {
        TuningOptions options = run.Options;
        string? queriesPath = run.QueriesPath;
        TuningResult result;
        using (VectorIndex opened = VectorIndex.Open(directory))
        {
            context.Ui.WriteLine($"index {opened.Directory}: {opened.Count:N0} x {opened.Dimensions}, generation {opened.Generation}, defaults "
                + $"lsh-probes {opened.DefaultParameters.LshProbes}, nprobe {opened.DefaultParameters.NProbe}");
            QuerySet? real = queriesPath is null ? null : QuerySet.Load(queriesPath, opened.Dimensions);
            context.Ui.WriteLine(real is null
                ? $"target recall@{options.K} >= {options.TargetRecall} less a margin of {options.MarginZ} standard errors, on "
                    + $"{Math.Min(options.SampleSize, opened.Count):N0} rows of the index held out as queries (seed {options.Seed}), "
                    + $"{IndexBuildRun.ThreadsText(options.Threads)}"
                : $"target recall@{options.K} >= {options.TargetRecall} on {real.Count:N0} queries from {real.Path}, "
                    + $"{IndexBuildRun.ThreadsText(options.Threads)}");
            result = ProgressDisplay.Run(context, state =>
            {
                var progress = new CallbackProgress<TuningProgress>(p =>
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    state.Set(
                        p.Phase,
                        p.Phase switch { "sample" => "reading the sample", "exact" => "exact answers", _ => "sweeping settings" },
                        p.Done,
                        p.Total);
                });
                return real is null
                    ? ProbeTuner.Tune(opened, options, progress, cancellationToken)
                    : ProbeTuner.Tune(opened, real.Rows, options, progress, cancellationToken);
            });
        }

        if (run.Curve)
        {
            TuningReport.Print(context, result);
        }
        else
        {
            TuningReport.PrintChoice(context, result);
        }

        if (run.JsonPath is { } jsonPath)
        {
            TuningReport.WriteJson(jsonPath, result);
            context.Ui.WriteLine($"wrote the curve to {jsonPath}");
        }

        return result;
    }

    /// <summary>The exit code when nothing is to be recorded (target not reached, or a dry run); null to record.</summary>
    private static int? Verdict(CliContext context, TuningResult result, TuneRun run, string where)
    {
        TuningPoint chosen = result.Chosen;
        if (!result.Reached)
        {
            context.Error.WriteLine($"hyperd: target recall@{result.K} {result.TargetRecall} not reached: the best setting measured, "
                + $"lshProbes={chosen.LshProbes} nprobe={chosen.NProbe}, reaches {chosen.Recall:F4} on the "
                + $"{(result.FromIndex ? "sample" : "queries")}; nothing recorded (lower --target-recall, or rebuild with more clusters).");
            return ExitCodes.TargetNotReached;
        }

        if (run.DryRun)
        {
            context.Ui.WriteLine($"dry run: lshProbes={chosen.LshProbes} nprobe={chosen.NProbe} not recorded; {where}'s defaults are unchanged");
            return ExitCodes.Success;
        }

        return null;
    }

}
