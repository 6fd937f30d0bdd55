using System.CommandLine;
using HyperdOrleans.Cli.Cluster;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Work;

namespace HyperdOrleans.Cli.Commands;

/// <summary>
/// <c>hyperd search</c>: answers a query file and writes the ids as .ivecs, all queries as batches (in the engine one
/// batch over the threads; with <c>--cluster</c>, batches through the client SDK). Measuring is opt-in
/// (<c>--timing</c>), so a plain search costs only the search.
/// </summary>
internal static class SearchCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> index = CliOptions.Path(
            "--index",
            "Index directory (made by 'hyperd build'). With --cluster: names the index and holds the embedded silo's data.",
            required: false);
        Option<string> queries = CliOptions.Path("--queries", "Query vectors (.fvecs, .npy, or raw float32 of the index's dimensions).");
        Option<int> k = CliOptions.K();
        Option<int?> lshProbes = CliOptions.LshProbes();
        Option<int?> nprobe = CliOptions.NProbe();
        Option<int?> rerank = CliOptions.Rerank();
        Option<string> budget = CliOptions.Budget();
        Option<int> threads = CliOptions.Threads();
        Option<bool> timing = new("--timing")
        {
            Description = "Also measure, after a warm-up so the JIT is not timed: queries/s of the whole batch (median of repeated runs; with "
                + "--cluster, one warmed pass) "
                + "and latency percentiles (engine: --latency-queries sent one at a time; cluster: per request). Without it nothing is timed or "
                + "repeated.",
        };
        Option<int> latencyQueries = CliOptions.LatencyQueries();
        latencyQueries.Description = "With --timing: how many queries (from the start) to also send one at a time, for latency (0: skip).";
        Option<string> output = CliOptions.Path("--out", "Results file (.ivecs): per query, k ids (row numbers of the indexed file), best first.");
        Option<int> batch = CliOptions.Batch();
        Option<int[]> clients = CliOptions.Clients([1], several: false);
        ClusterOptionSet cluster = ClusterOptionSet.Create();

        var command = new Command(
            "search",
            "Search an index with a query file (in the engine, or in a cluster with --cluster) and write the ids; --timing also measures.")
        {
            index, queries, k, lshProbes, nprobe, rerank, budget, threads, timing, latencyQueries, output, batch, clients,
        };
        cluster.AddTo(command);
        command.SetGuardedAsyncAction(context, async (parsed, cancellationToken) =>
        {
            var request = new SearchRun(
                parsed.GetValue(queries)!, parsed.GetValue(k), parsed.GetValue(lshProbes), parsed.GetValue(nprobe), parsed.GetValue(rerank),
                CliOptions.ParseBudget(parsed.GetValue(budget)), parsed.GetValue(output)!, parsed.GetValue(timing));
            if (cluster.Resolve(parsed, parsed.GetValue(index)) is { } choice)
            {
                await using ClusterSession session = await ClusterSession.ConnectAsync(context, choice, parsed.GetValue(threads), cancellationToken);
                await ClusterSearch.RunAsync(context, session, request, parsed.GetValue(batch), parsed.GetValue(clients)!.Max(), cancellationToken);
                return ExitCodes.Success;
            }

            EngineSearch.Run(
                context,
                ClusterOptionSet.RequireIndex(parsed.GetValue(index)),
                request,
                parsed.GetValue(threads),
                parsed.GetValue(latencyQueries),
                cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }
}
