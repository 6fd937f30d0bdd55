using System.CommandLine;
using HyperdOrleans.Cli.Cluster;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Evaluation.Measure;
using HyperdOrleans.Cli.Work;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;
using Spectre.Console;

namespace HyperdOrleans.Cli.Commands;

/// <summary>
/// <c>hyperd search</c>: answers a query file, writes the ids as .ivecs and reports throughput and latency; with
/// <c>--cluster</c>, through the client SDK in batches.
/// </summary>
internal static class SearchCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> index = CliOptions.Path("--index", "Index directory (made by 'hyperd build'). With --cluster: names the index and holds the embedded silo's data.", required: false);
        Option<string> queries = CliOptions.Path("--queries", "Query vectors (.fvecs, .npy, or raw float32 of the index's dimensions).");
        Option<int> k = CliOptions.K();
        Option<int?> lshProbes = CliOptions.LshProbes();
        Option<int?> nprobe = CliOptions.NProbe();
        Option<int?> rerank = CliOptions.Rerank();
        Option<string> budget = CliOptions.Budget();
        Option<int> threads = CliOptions.Threads();
        Option<int> latencyQueries = CliOptions.LatencyQueries();
        Option<string> output = CliOptions.Path("--out", "Results file (.ivecs): per query, k ids (row numbers of the indexed file), best first.");
        Option<int> batch = CliOptions.Batch();
        Option<int[]> clients = CliOptions.Clients([1], several: false);
        ClusterOptionSet cluster = ClusterOptionSet.Create();

        var command = new Command("search", "Search an index with a query file (in the engine, or in a cluster with --cluster).")
        {
            index, queries, k, lshProbes, nprobe, rerank, budget, threads, latencyQueries, output, batch, clients,
        };
        cluster.AddTo(command);
        command.SetGuardedAsyncAction(context, async (parsed, cancellationToken) =>
        {
            var request = new SearchRun(parsed.GetValue(queries)!, parsed.GetValue(k), parsed.GetValue(lshProbes), parsed.GetValue(nprobe), parsed.GetValue(rerank), CliOptions.ParseBudget(parsed.GetValue(budget)), parsed.GetValue(output)!);
            if (cluster.Resolve(parsed, parsed.GetValue(index)) is { } choice)
            {
                await using ClusterSession session = await ClusterSession.ConnectAsync(context, choice, parsed.GetValue(threads), cancellationToken);
                await SearchClusterAsync(context, session, request, parsed.GetValue(batch), parsed.GetValue(clients)!.Max(), cancellationToken);
                return ExitCodes.Success;
            }

            SearchEngine(context, ClusterOptionSet.RequireIndex(parsed.GetValue(index)), request, parsed.GetValue(threads), parsed.GetValue(latencyQueries), cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void SearchEngine(CliContext context, string directory, SearchRun request, int threadCount, int latencyCount, CancellationToken cancellationToken)
    {
        using VectorIndex opened = VectorIndex.Open(directory);
        QuerySet set = QuerySet.Load(request.Queries, opened.Dimensions);
        int kValue = request.K;
        SearchParameters probes = CliOptions.Probes(opened.DefaultParameters, request.LshProbes, request.NProbe, request.Rerank, request.Budget);
        context.Ui.WriteLine($"index {opened.Directory}: {opened.Count:N0} x {opened.Dimensions}, generation {opened.Generation}, storage {(opened.IsQuantized ? "sq8" : "f32")}; {set.Count:N0} queries from {set.Path}");
        context.Ui.WriteLine($"k {kValue}, lsh-probes {probes.LshProbes}, nprobe {probes.NProbe}, budget {CliOptions.BudgetName(probes.Budget)}{(opened.IsQuantized ? $", rerank {probes.Rerank}" : string.Empty)}, {IndexBuildRun.ThreadsText(threadCount)}");

        QueryTimer.WarmUp(opened, set.Rows, kValue, probes, threadCount);
        cancellationToken.ThrowIfCancellationRequested();
        Throughput batch = QueryTimer.Batched(opened, set.Rows, kValue, probes, threadCount);
        ResultsFile.Write(request.Output, batch.Results);
        context.Ui.WriteLine($"wrote {batch.Results.Length:N0} rows of {kValue} ids to {request.Output}");
        context.Ui.WriteLine($"throughput: {batch.QueriesPerSecond:N0} queries/s (all {set.Count:N0} queries as one batch on {batch.Threads} threads: {batch.Seconds:F3} s, median of {batch.Runs} runs)");

        if (latencyCount > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LatencyStats latency = QueryTimer.SingleQueries(opened, set.Rows, latencyCount, kValue, probes);
            context.Ui.WriteLine($"latency: p50 {Formats.Milliseconds(latency.P50)}, p99 {Formats.Milliseconds(latency.P99)} (each of the first {latency.Count:N0} queries sent alone, one thread)");
        }
    }

    /// <summary>One pass over the queries through the cluster; throughput and latency are of that pass (a cold first pass included: use bench to measure).</summary>
    private static async Task SearchClusterAsync(CliContext context, ClusterSession session, SearchRun request, int batchSize, int clientCount, CancellationToken cancellationToken)
    {
        ClusterIndexInfo info = await ClusterIndexInfo.ReadAsync(session, cancellationToken);
        QuerySet set = QuerySet.Load(request.Queries, info.Status.Dimensions);
        SearchParameters probes = CliOptions.Probes(info.Defaults, request.LshProbes, request.NProbe, budget: request.Budget);
        context.Ui.WriteLine($"index '{session.Name}': {info.Status.Count:N0} x {info.Status.Dimensions}, generation {info.Status.Generation}; {set.Count:N0} queries from {set.Path}");
        context.Ui.WriteLine($"k {request.K}, lsh-probes {probes.LshProbes}, nprobe {probes.NProbe}, budget {CliOptions.BudgetName(probes.Budget)}, batches of {batchSize}, {clientCount} client(s)");

        var load = new ConcurrentLoad(set.Rows, info.Status.Dimensions, batchSize);
        (Neighbor[][] results, LoadResult pass) = await load.AnswerAllAsync(clientCount, ClusterQueries.Cluster(session.Client, session.Name, request.K, probes, null, cancellationToken));
        ResultsFile.Write(request.Output, results);
        context.Ui.WriteLine($"wrote {results.Length:N0} rows of {request.K} ids to {request.Output}");
        LatencyStats latency = LatencyStats.Of(pass.RequestSeconds);
        context.Ui.WriteLine($"throughput: {pass.QueriesPerSecond:N0} queries/s ({pass.Requests:N0} requests in {pass.Seconds:F3} s, one pass, not warmed up)");
        context.Ui.WriteLine($"latency per request of up to {batchSize} queries: p50 {Formats.Milliseconds(latency.P50)}, p99 {Formats.Milliseconds(latency.P99)}");
    }

    private sealed record SearchRun(string Queries, int K, int? LshProbes, int? NProbe, int? Rerank, ProbeBudget Budget, string Output);
}
