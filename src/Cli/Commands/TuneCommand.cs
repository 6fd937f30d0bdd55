using System.CommandLine;
using HyperdOrleans.Cli.Cluster;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Work;
using HyperdOrleans.Engine.Tuning;

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
        Option<string> index = CliOptions.Path(
            "--index",
            "Index directory (made by 'hyperd build') to tune. With --cluster: names the index and holds the embedded silo's data.",
            required: false);
        Option<string?> engineIndex = new("--engine-index")
        {
            Description = "With --cluster: engine index directory holding the generation the cluster serves (a copy of the index's folder in the "
                + "cluster's file store); default with an embedded silo: its store.",
            HelpName = "path",
        };
        Option<double> target = new("--target-recall")
        {
            Description = "Recall@k the defaults must reach on the sample (more than 0, at most 1).",
            DefaultValueFactory = _ => 0.95,
        };
        Option<int> k = CliOptions.K();
        Option<int> sample = new("--sample")
        {
            Description = "Without --queries: rows of the index used as held-out queries (seeded, uniform).",
            DefaultValueFactory = _ => new TuningOptions().SampleSize,
            HelpName = "count",
        };
        Option<string?> queries = new("--queries")
        {
            Description = "Real queries (.fvecs, .npy, or raw float32 of the index's dimensions; all rows are used): recall is measured against "
                + "their exact answers and must reach the target as is. "
                + "Without it, rows of the index stand in for queries; they are easier than new queries, so a setting must reach the target by a "
                + "margin: "
                + "its sample recall less 1.645 standard errors (the spread of per-query recall over the sample, the one-sided 95 % bound) must "
                + "reach it.",
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

        var command = new Command(
            "tune",
            "Find the cheapest lshProbes/nprobe reaching a recall target (on real queries with --queries, else on the index's own rows with a "
                + "margin), and record them as its defaults (in the cluster with --cluster).")
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
                return await ProbeTuning.TuneClusterAsync(context, session, run, cancellationToken);
            }

            return ProbeTuning.TuneEngine(context, ClusterOptionSet.RequireIndex(parsed.GetValue(index)), run, cancellationToken);
        });
        return command;
    }
}
