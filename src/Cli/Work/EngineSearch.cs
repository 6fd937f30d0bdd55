using System.Diagnostics;
using HyperdOrleans.Cli.Commands;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Evaluation.Measure;
using Spectre.Console;

namespace HyperdOrleans.Cli.Work;

/// <summary><c>hyperd search</c> in the engine: one batch over the threads, then, only with <c>--timing</c>, the measurements.</summary>
internal static class EngineSearch
{
    public static void Run(
        CliContext context,
        string directory,
        SearchRun request,
        int threads,
        int latencyCount,
        CancellationToken cancellationToken)
    {
        using VectorIndex opened = VectorIndex.Open(directory);
        QuerySet set = QuerySet.Load(request.Queries, opened.Dimensions);
        int k = request.K;
        SearchParameters probes = CliOptions.Probes(opened.DefaultParameters, request.LshProbes, request.NProbe, request.Rerank, request.Budget);
        context.Ui.WriteLine($"index {opened.Directory}: {opened.Count:N0} x {opened.Dimensions}, generation {opened.Generation}, storage "
            + $"{(opened.IsQuantized ? "sq8" : "f32")}; {set.Count:N0} queries from {set.Path}");
        context.Ui.WriteLine($"k {k}, lsh-probes {probes.LshProbes}, nprobe {probes.NProbe}, budget "
            + $"{CliOptions.BudgetName(probes.Budget)}{(opened.IsQuantized ? $", rerank {probes.Rerank}" : string.Empty)}, "
            + $"{IndexBuildRun.ThreadsText(threads)}");

        long start = Stopwatch.GetTimestamp();
        Neighbor[][] results = opened.SearchBatch(set.Rows, k, probes, threads);
        double firstSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        ResultsFile.Write(request.Output, results);
        context.Ui.WriteLine($"wrote {results.Length:N0} rows of {k} ids to {request.Output}");
        if (!request.Timing)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        QueryTimer.WarmUp(opened, set.Rows, k, probes, threads);
        Throughput warmed = QueryTimer.Batched(opened, set.Rows, k, probes, threads);
        context.Ui.WriteLine($"throughput: {warmed.QueriesPerSecond:N0} queries/s (all {set.Count:N0} queries as one batch on {warmed.Threads} "
            + $"threads: {warmed.Seconds:F3} s, median of {warmed.Runs} runs after a warm-up)");
        context.Ui.WriteLine($"first pass: {set.Count / firstSeconds:N0} queries/s ({firstSeconds:F3} s: the answers written, before any warm-up; "
            + $"what a one-off search costs)");
        if (latencyCount > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LatencyStats latency = QueryTimer.SingleQueries(opened, set.Rows, latencyCount, k, probes);
            context.Ui.WriteLine($"latency: p50 {Formats.Milliseconds(latency.P50)}, p99 {Formats.Milliseconds(latency.P99)} (each of the first "
                + $"{latency.Count:N0} queries sent alone, one thread)");
        }
    }
}
