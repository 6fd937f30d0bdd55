using HyperdOrleans.Cli.Commands;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Work;
using HyperdOrleans.Evaluation.Measure;
using Spectre.Console;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>The cluster bench's tables: quality and rebuild, then throughput and latency per client count beside the engine alone.</summary>
internal static class ClusterBenchReport
{
    public const double OverheadGoal = 0.80;

    public static void Print(CliContext context, ClusterBenchOutcome o)
    {
        ClusterBenchSettings s = o.Settings;
        var quality = new Table()
            .Title($"hyperd bench --cluster {s.Choice.Target.Kind.ToString().ToLowerInvariant()}: {o.Input.Count:N0} x {o.Input.Dimensions}, "
                + $"{o.Queries.Count:N0} queries, index '{s.Choice.Name}' generation {o.Status.Generation}")
            .AddColumns("measure", "value", "how");
        quality.AddRow(
            $"recall@{o.K} cluster",
            $"{o.ClusterRecall:F4}",
            $"cluster answers vs exact top k (ties count); lsh-probes {o.Probes.LshProbes}, nprobe {o.Probes.NProbe}, "
                + $"{CliOptions.BudgetName(o.Probes.Budget)}");
        quality.AddRow($"recall@{o.K} engine", o.EngineRecall is double r ? $"{r:F4}" : "n/a", "engine alone on the same generation's files");
        quality.AddRow(
            "same ids as engine",
            o.SameAnswers is double same ? $"{same:P1}" : "n/a",
            "queries whose k ids (in order) match the engine's");
        quality.AddRow("exact", $"{o.Exact.QueriesPerSecond:N0} q/s", BenchReport.ExactText(o.Exact));
        quality.AddRow(
            "first second",
            $"{o.ClusterFirstCall.FirstSecondQueriesPerSecond:N0} q/s",
            BenchReport.FirstCallText(o.ClusterFirstCall, "the cluster's first search requests"));
        quality.AddRow("rebuild", o.Build is { } b ? $"{b.Seconds:F1} s" : $"{o.Status.LastRebuild?.Seconds ?? 0:F1} s", o.Build is { } built
            ? $"this run, wall time through the client (index grain: {built.GrainSeconds:F1} s, jobs on {built.JobSilos.Distinct().Count()} silo(s))"
            : "existing generation (index grain's time of its last rebuild)");
        context.Ui.Write(quality);

        var speed = new Table().Title("throughput and latency per request")
            .AddColumns(
                "clients",
                "cluster q/s",
                "cluster / exact",
                "engine q/s",
                "cluster / engine",
                "cluster p50",
                "cluster p99",
                "engine p50",
                "engine p99");
        foreach (LoadComparison load in o.Loads)
        {
            double cluster = Median(load.Cluster);
            string overExact = $"{cluster / o.Exact.QueriesPerSecond:F1}x";
            LatencyStats clusterLatency = LatencyStats.Of(load.Cluster.SelectMany(l => l.RequestSeconds));
            if (load.Engine is { } engineRuns)
            {
                double engine = Median(engineRuns);
                LatencyStats engineLatency = LatencyStats.Of(engineRuns.SelectMany(l => l.RequestSeconds));
                speed.AddRow(
                    $"{load.Clients}",
                    $"{cluster:N0}",
                    overExact,
                    $"{engine:N0}",
                    $"{cluster / engine:P0}{(cluster / engine >= OverheadGoal ? string.Empty : " (below 80 %)")}",
                    Formats.Milliseconds(clusterLatency.P50),
                    Formats.Milliseconds(clusterLatency.P99),
                    Formats.Milliseconds(engineLatency.P50),
                    Formats.Milliseconds(engineLatency.P99));
            }
            else
            {
                speed.AddRow(
                    $"{load.Clients}",
                    $"{cluster:N0}",
                    overExact,
                    "n/a",
                    "n/a",
                    Formats.Milliseconds(clusterLatency.P50),
                    Formats.Milliseconds(clusterLatency.P99),
                    "n/a",
                    "n/a");
            }
        }

        context.Ui.Write(speed);
        context.Ui.WriteLine($"q/s: median of {s.Rounds} round(s) of {s.Seconds:0.###} s per client count and side, engine and cluster alternating; "
            + $"each client sends batches of {s.Batch} queries and waits for each answer.");
        context.Ui.WriteLine($"cluster: the client SDK through the gateway ({s.Choice.Target.Description}); engine: VectorIndex.SearchBatch in this "
            + $"process, {o.EngineThreads} threads per request{(o.EngineNote is null ? string.Empty : $" (not measured: {o.EngineNote})")}.");
        context.Ui.WriteLine($"latency: per request (one batch), every request of every round; goal: cluster q/s at least {OverheadGoal:P0} of the "
            + $"engine's.");
        context.Ui.WriteLine($"cluster / exact: the cluster's q/s over batched exact search's ({o.Exact.QueriesPerSecond:N0} q/s), at recall@{o.K} "
            + $"{o.ClusterRecall:F4}.");
    }

    private static double Median(LoadResult[] runs)
    {
        double[] sorted = [.. runs.Select(r => r.QueriesPerSecond).Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
