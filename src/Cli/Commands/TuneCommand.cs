using System.CommandLine;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Cli.Cluster;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Work;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Tuning;
using Spectre.Console;

namespace HyperdOrleans.Cli.Commands;

/// <summary>
/// <c>hyperd tune</c>: the cheapest lshProbes/nprobe that reach a recall@k target, recorded as the index's defaults
/// (which search and bench use when no probes are given). Measured on real queries when the user gives them
/// (<c>--queries</c>), else on the index's own rows held out as queries with a margin above the target (see
/// docs/decisions/tuning-margin.md). With <c>--cluster</c> the same measurement runs on the engine files of the
/// generation the cluster serves (answers are equal by construction) and the choice is recorded through the client SDK,
/// so every coordinator searches with it. Exits with <see cref="ExitCodes.TargetNotReached"/>, recording nothing,
/// when no setting reaches the target.
/// </summary>
internal static class TuneCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> index = CliOptions.Path("--index", "Index directory (made by 'hyperd build') to tune. With --cluster: names the index and holds the embedded silo's data.", required: false);
        Option<string?> engineIndex = new("--engine-index")
        {
            Description = "With --cluster: engine index directory holding the generation the cluster serves (a copy of the index's folder in the cluster's file store); default with an embedded silo: its store.",
            HelpName = "path",
        };
        Option<double> target = new("--target-recall") { Description = "Recall@k the defaults must reach on the sample (more than 0, at most 1).", DefaultValueFactory = _ => 0.95 };
        Option<int> k = CliOptions.K();
        Option<int> sample = new("--sample") { Description = "Without --queries: rows of the index used as held-out queries (seeded, uniform).", DefaultValueFactory = _ => new TuningOptions().SampleSize, HelpName = "count" };
        Option<string?> queries = new("--queries")
        {
            Description = "Real queries (.fvecs, .npy, or raw float32 of the index's dimensions; all rows are used): recall is measured against their exact answers and must reach the target as is. "
                + "Without it, rows of the index stand in for queries; they are easier than new queries, so a setting must reach the target by a margin: "
                + "its sample recall less 1.645 standard errors (the spread of per-query recall over the sample, the one-sided 95 % bound) must reach it.",
            HelpName = "path",
        };
        Option<int> threads = CliOptions.Threads();
        Option<int> seed = CliOptions.Seed();
        Option<bool> dryRun = new("--dry-run") { Description = "Measure and print, but leave the index's defaults as they are." };
        Option<string?> json = new("--json") { Description = "Also write the curve and the choice to this JSON file.", HelpName = "path" };
        target.Validators.Add(result =>
        {
            if (CliOptions.TryGet(result, out double value) && !(value is > 0 and <= 1))
            {
                result.AddError($"--target-recall must be more than 0 and at most 1, got {value}.");
            }
        });
        sample.Validators.Add(result =>
        {
            if (CliOptions.TryGet(result, out int value) && value < 1)
            {
                result.AddError($"--sample must be at least 1, got {value}.");
            }
        });

        var command = new Command("tune", "Find the cheapest lshProbes/nprobe reaching a recall target (on real queries with --queries, else on the index's own rows with a margin), and record them as its defaults (in the cluster with --cluster).")
        {
            index, target, k, sample, queries, threads, seed, dryRun, json, engineIndex,
        };
        ClusterOptionSet cluster = ClusterOptionSet.Create();
        cluster.AddTo(command);
        command.SetGuardedAsyncAction(context, async (parsed, cancellationToken) =>
        {
            var options = new TuningOptions
            {
                TargetRecall = parsed.GetValue(target),
                K = parsed.GetValue(k),
                SampleSize = parsed.GetValue(sample),
                Threads = parsed.GetValue(threads),
                Seed = parsed.GetValue(seed),
            };
            var run = new TuneRun(parsed.GetValue(queries), options, parsed.GetValue(dryRun), parsed.GetValue(json));
            if (cluster.Resolve(parsed, parsed.GetValue(index), parsed.GetValue(engineIndex)) is { } choice)
            {
                await using ClusterSession session = await ClusterSession.ConnectAsync(context, choice, options.Threads, cancellationToken);
                return await TuneClusterAsync(context, session, run, cancellationToken);
            }

            return TuneEngine(context, ClusterOptionSet.RequireIndex(parsed.GetValue(index)), run, cancellationToken);
        });
        return command;
    }

    private static int TuneEngine(CliContext context, string directory, TuneRun run, CancellationToken cancellationToken)
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
    private static async Task<int> TuneClusterAsync(CliContext context, ClusterSession session, TuneRun run, CancellationToken cancellationToken)
    {
        ClusterIndexInfo info = await ClusterIndexInfo.ReadAsync(session, cancellationToken);
        if (session.EngineDirectory is not { } directory || !Engine.Storage.ManifestStore.Exists(directory))
        {
            throw new CliException($"index '{session.Name}': the cluster's files are not on this machine; give --engine-index with a copy of the index's folder from the cluster's file store.");
        }

        TuningResult result = Measure(context, directory, run, cancellationToken);
        if (result.Generation != info.Status.Generation)
        {
            throw new CliException($"{directory} holds generation {result.Generation} but the cluster serves generation {info.Status.Generation} of index '{session.Name}': give --engine-index with the files of the generation it serves.");
        }

        string where = $"index '{session.Name}' in the {session.Choice.Target.Description}";
        if (Verdict(context, result, run, where) is { } exit)
        {
            return exit;
        }

        TuningPoint chosen = result.Chosen;
        var tuning = new IndexTuning(result.TargetRecall, result.K, result.SampleSize, chosen.Recall, chosen.DotsPerQuery, DateTimeOffset.UtcNow);
        IndexStatus status = await session.Client.SetDefaultsAsync(session.Name, new IndexDefaults(chosen.LshProbes, chosen.NProbe, tuning), cancellationToken);
        context.Ui.WriteLine($"recorded lshProbes={status.Defaults!.LshProbes} nprobe={status.Defaults.NProbe} as {where}'s defaults (every coordinator uses them within a few seconds)");
        return ExitCodes.Success;
    }

    private static TuningResult Measure(CliContext context, string directory, TuneRun run, CancellationToken cancellationToken)
    {
        TuningOptions options = run.Options;
        string? queriesPath = run.QueriesPath;
        TuningResult result;
        using (VectorIndex opened = VectorIndex.Open(directory))
        {
            context.Ui.WriteLine($"index {opened.Directory}: {opened.Count:N0} x {opened.Dimensions}, generation {opened.Generation}, defaults lsh-probes {opened.DefaultParameters.LshProbes}, nprobe {opened.DefaultParameters.NProbe}");
            QuerySet? real = queriesPath is null ? null : QuerySet.Load(queriesPath, opened.Dimensions);
            context.Ui.WriteLine(real is null
                ? $"target recall@{options.K} >= {options.TargetRecall} less a margin of {options.MarginZ} standard errors, on {Math.Min(options.SampleSize, opened.Count):N0} rows of the index held out as queries (seed {options.Seed}), {IndexBuildRun.ThreadsText(options.Threads)}"
                : $"target recall@{options.K} >= {options.TargetRecall} on {real.Count:N0} queries from {real.Path}, {IndexBuildRun.ThreadsText(options.Threads)}");
            result = ProgressDisplay.Run(context, state =>
            {
                var progress = new CallbackProgress<TuningProgress>(p =>
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    state.Set(p.Phase, p.Phase switch { "sample" => "reading the sample", "exact" => "exact answers", _ => "sweeping settings" }, p.Done, p.Total);
                });
                return real is null
                    ? ProbeTuner.Tune(opened, options, progress, cancellationToken)
                    : ProbeTuner.Tune(opened, real.Rows, options, progress, cancellationToken);
            });
        }

        TuningReport.Print(context, result);
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
            context.Error.WriteLine($"hyperd: target recall@{result.K} {result.TargetRecall} not reached: the best setting measured, lshProbes={chosen.LshProbes} nprobe={chosen.NProbe}, reaches {chosen.Recall:F4} on the {(result.FromIndex ? "sample" : "queries")}; nothing recorded (lower --target-recall, or rebuild with more clusters).");
            return ExitCodes.TargetNotReached;
        }

        if (run.DryRun)
        {
            context.Ui.WriteLine($"dry run: lshProbes={chosen.LshProbes} nprobe={chosen.NProbe} not recorded; {where}'s defaults are unchanged");
            return ExitCodes.Success;
        }

        return null;
    }

    private sealed record TuneRun(string? QueriesPath, TuningOptions Options, bool DryRun, string? JsonPath);
}
