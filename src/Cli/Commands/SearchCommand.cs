using System.CommandLine;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Measure;
using HyperdOrleans.Cli.Work;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;
using Spectre.Console;

namespace HyperdOrleans.Cli.Commands;

/// <summary><c>hyperd search</c>: answers a query file, writes the ids as .ivecs and reports throughput and latency.</summary>
internal static class SearchCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> index = CliOptions.Path("--index", "Index directory (made by 'hyperd build').");
        Option<string> queries = CliOptions.Path("--queries", "Query vectors (.fvecs, .npy, or raw float32 of the index's dimensions).");
        Option<int> k = CliOptions.K();
        Option<int?> lshProbes = CliOptions.LshProbes();
        Option<int?> nprobe = CliOptions.NProbe();
        Option<int> threads = CliOptions.Threads();
        Option<int> latencyQueries = CliOptions.LatencyQueries();
        Option<string> output = CliOptions.Path("--out", "Results file (.ivecs): per query, k ids (row numbers of the indexed file), best first.");

        var command = new Command("search", "Search an index with a query file.")
        {
            index, queries, k, lshProbes, nprobe, threads, latencyQueries, output,
        };
        command.SetGuardedAction(context, (parsed, cancellationToken) =>
        {
            using VectorIndex opened = VectorIndex.Open(parsed.GetValue(index)!);
            QuerySet set = QuerySet.Load(parsed.GetValue(queries)!, opened.Dimensions);
            int kValue = parsed.GetValue(k);
            int threadCount = parsed.GetValue(threads);
            SearchParameters probes = CliOptions.Probes(opened.DefaultParameters, parsed.GetValue(lshProbes), parsed.GetValue(nprobe));
            context.Ui.WriteLine($"index {opened.Directory}: {opened.Count:N0} x {opened.Dimensions}, generation {opened.Generation}; {set.Count:N0} queries from {set.Path}");
            context.Ui.WriteLine($"k {kValue}, lsh-probes {probes.LshProbes}, nprobe {probes.NProbe}, {IndexBuildRun.ThreadsText(threadCount)}");

            QueryTimer.WarmUp(opened, set.Rows, kValue, probes, threadCount);
            cancellationToken.ThrowIfCancellationRequested();
            Throughput batch = QueryTimer.Batched(opened, set.Rows, kValue, probes, threadCount);
            ResultsFile.Write(parsed.GetValue(output)!, batch.Results);
            context.Ui.WriteLine($"wrote {batch.Results.Length:N0} rows of {kValue} ids to {parsed.GetValue(output)}");
            context.Ui.WriteLine($"throughput: {batch.QueriesPerSecond:N0} queries/s (all {set.Count:N0} queries as one batch on {batch.Threads} threads: {batch.Seconds:F3} s, median of {batch.Runs} runs)");

            int latencyCount = parsed.GetValue(latencyQueries);
            if (latencyCount > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                LatencyStats latency = QueryTimer.SingleQueries(opened, set.Rows, latencyCount, kValue, probes);
                context.Ui.WriteLine($"latency: p50 {Formats.Milliseconds(latency.P50Seconds)}, p99 {Formats.Milliseconds(latency.P99Seconds)} (each of the first {latency.Queries:N0} queries sent alone, one thread)");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
