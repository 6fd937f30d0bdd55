using System.CommandLine;
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
/// docs/decisions/tuning-margin.md). Exits with <see cref="ExitCodes.TargetNotReached"/>, recording nothing, when
/// no setting reaches the target.
/// </summary>
internal static class TuneCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> index = CliOptions.Path("--index", "Index directory (made by 'hyperd build') to tune.");
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

        var command = new Command("tune", "Find the cheapest lshProbes/nprobe reaching a recall target (on real queries with --queries, else on the index's own rows with a margin), and record them as its defaults.")
        {
            index, target, k, sample, queries, threads, seed, dryRun, json,
        };
        command.SetGuardedAction(context, (parsed, cancellationToken) =>
        {
            var options = new TuningOptions
            {
                TargetRecall = parsed.GetValue(target),
                K = parsed.GetValue(k),
                SampleSize = parsed.GetValue(sample),
                Threads = parsed.GetValue(threads),
                Seed = parsed.GetValue(seed),
            };
            return Tune(context, parsed.GetValue(index)!, parsed.GetValue(queries), options, parsed.GetValue(dryRun), parsed.GetValue(json), cancellationToken);
        });
        return command;
    }

    private static int Tune(CliContext context, string directory, string? queriesPath, TuningOptions options, bool dryRun, string? jsonPath, CancellationToken cancellationToken)
    {
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
        if (jsonPath is not null)
        {
            TuningReport.WriteJson(jsonPath, result);
            context.Ui.WriteLine($"wrote the curve to {jsonPath}");
        }

        TuningPoint chosen = result.Chosen;
        if (!result.Reached)
        {
            context.Error.WriteLine($"hyperd: target recall@{result.K} {result.TargetRecall} not reached: the best setting measured, lshProbes={chosen.LshProbes} nprobe={chosen.NProbe}, reaches {chosen.Recall:F4} on the {(result.FromIndex ? "sample" : "queries")}; nothing recorded (lower --target-recall, or rebuild with more clusters).");
            return ExitCodes.TargetNotReached;
        }

        if (dryRun)
        {
            context.Ui.WriteLine($"dry run: lshProbes={chosen.LshProbes} nprobe={chosen.NProbe} not recorded; {directory}'s defaults are unchanged");
            return ExitCodes.Success;
        }

        TunedDefaults.Record(result, DateTimeOffset.UtcNow);
        context.Ui.WriteLine($"recorded lshProbes={chosen.LshProbes} nprobe={chosen.NProbe} as {directory}'s defaults");
        return ExitCodes.Success;
    }
}
