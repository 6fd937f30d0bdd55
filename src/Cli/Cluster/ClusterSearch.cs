using System.Diagnostics;
using HyperdOrleans.Cli.Commands;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Work;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Evaluation.Measure;
using Spectre.Console;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>
/// <c>hyperd search --cluster</c>: every query once, in batches sent by concurrent clients through the client SDK;
/// only with <c>--timing</c>, more passes until the path is warm, then one timed pass.
/// </summary>
internal static class ClusterSearch
{
    /// <summary>
    /// Warm-up passes run until this long has passed (at least one): a fresh silo's first batches run unoptimised
    /// serialization and grain code and activate grains, which is not what a running cluster serves with.
    /// </summary>
    private static readonly TimeSpan MinWarmUp = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(
        CliContext context,
        ClusterSession session,
        SearchRun request,
        int batchSize,
        int clientCount,
        CancellationToken cancellationToken)
    {
        ClusterIndexInfo info = await ClusterIndexInfo.ReadAsync(session, cancellationToken);
        int d = info.Status.Dimensions;
        QuerySet set = QuerySet.Load(request.Queries, d);
        SearchParameters probes = CliOptions.Probes(info.Defaults, request.LshProbes, request.NProbe, request.Rerank, request.Budget);
        context.Ui.WriteLine($"index '{session.Name}': {info.Status.Count:N0} x {d}, generation {info.Status.Generation}; {set.Count:N0} queries "
            + $"from {set.Path}");
        context.Ui.WriteLine($"k {request.K}, lsh-probes {probes.LshProbes}, nprobe {probes.NProbe}, budget {CliOptions.BudgetName(probes.Budget)}, "
            + $"batches of {batchSize}, {clientCount} client(s)");

        var load = new ConcurrentLoad(set.Rows, d, batchSize);
        BatchSearch search = ClusterQueries.Cluster(session.Client, session.Name, request.K, probes, null, cancellationToken);
        (Neighbor[][] results, LoadResult first) = await load.AnswerAllAsync(clientCount, search);
        ResultsFile.Write(request.Output, results);
        context.Ui.WriteLine($"wrote {results.Length:N0} rows of {request.K} ids to {request.Output}");
        if (!request.Timing)
        {
            return;
        }

        var warming = Stopwatch.StartNew();
        int passes = 1;
        for (; warming.Elapsed < MinWarmUp; passes++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await load.AnswerAllAsync(clientCount, search);
        }

        (_, LoadResult pass) = await load.AnswerAllAsync(clientCount, search);
        LatencyStats latency = LatencyStats.Of(pass.RequestSeconds);
        context.Ui.WriteLine($"throughput: {pass.QueriesPerSecond:N0} queries/s ({pass.Requests:N0} requests in {pass.Seconds:F3} s: one pass after "
            + $"{passes} warm-up pass(es))");
        context.Ui.WriteLine($"first pass: {first.QueriesPerSecond:N0} queries/s ({first.Seconds:F3} s: the answers written, before any warm-up)");
        context.Ui.WriteLine($"latency per request of up to {batchSize} queries: p50 {Formats.Milliseconds(latency.P50)}, p99 "
            + $"{Formats.Milliseconds(latency.P99)}");
    }
}
