using HyperdOrleans.Abstractions;
using HyperdOrleans.Cli.Commands;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Work;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Evaluation.Exact;
using HyperdOrleans.Evaluation.Measure;
using Spectre.Console;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>Throughput and per-request latency of one client count, cluster beside engine (null when the engine could not be opened).</summary>
internal sealed record LoadComparison(int Clients, LoadResult[] Cluster, LoadResult[]? Engine);

/// <summary>What a cluster bench measured, for the report.</summary>
internal sealed record ClusterBenchOutcome(
    ClusterBenchSettings Settings,
    VectorFile Input,
    QuerySet Queries,
    IndexStatus Status,
    SearchParameters Probes,
    int K,
    int EngineThreads,
    ClusterBuildOutcome? Build,
    string? EngineNote,
    LoadComparison[] Loads,
    FirstCallSpeed ClusterFirstCall,
    ExactRun Exact,
    double ClusterRecall,
    double? EngineRecall,
    double? SameAnswers);

/// <summary>
/// <c>hyperd bench --cluster</c>: data as for any bench, the index in the cluster (reused or rebuilt through the
/// client SDK), then the same batches sent by the same number of concurrent clients to the cluster and to the
/// engine alone on the generation the cluster serves (its files, opened in this process), round after round
/// alternating, and finally the exact baseline for recall. The cluster's first second is measured before any
/// search in this process, so the silo's search path (grains and kernels) starts cold.
/// </summary>
internal static class ClusterBenchRunner
{
    public static async Task<ClusterBenchOutcome> RunAsync(
        CliContext context,
        BenchSettings settings,
        ClusterBenchSettings cluster,
        CancellationToken cancellationToken)
    {
        (VectorFile input, string queriesPath) = BenchRunner.ResolveData(context, settings, cancellationToken);
        await using ClusterSession session = await ClusterSession.ConnectAsync(context, cluster.Choice, settings.Threads, cancellationToken);
        ClusterBuildOutcome? build = await EnsureIndexAsync(context, session, input, settings, cancellationToken);
        if (settings.Tuning is { } tuning)
        {
            settings.RequireTuned(await ProbeTuning.TuneClusterAsync(context, session, tuning, cancellationToken));
        }
        ClusterIndexInfo info = await ClusterIndexInfo.ReadAsync(session, cancellationToken);
        IndexStatus status = info.Status;
        QuerySet queries = QuerySet.Load(queriesPath, status.Dimensions, settings.Generate is null ? settings.QueryCount : null);
        SearchParameters probes = CliOptions.Probes(info.Defaults, settings.LshProbes, settings.NProbe, settings.Rerank, settings.Budget);
        int k = settings.K;
        if (k > status.Count)
        {
            throw new CliException($"--k {k} asks for more neighbours than the index's {status.Count:N0} vectors.");
        }

        (VectorIndex? engine, string? engineNote) = OpenEngine(session, status.Generation);
        using VectorIndex? engineIndex = engine;
        int engineThreads = QueryTimer.EffectiveThreads(settings.Threads);
        context.Ui.WriteLine($"searching: {queries.Count:N0} queries, k {k}, lsh-probes {probes.LshProbes}, nprobe {probes.NProbe}, budget "
            + $"{CliOptions.BudgetName(probes.Budget)}, batches of {cluster.Batch}, clients {string.Join(' ', cluster.Clients)}; "
            + (engine is null ? $"engine alone: not measured ({engineNote})"
                : $"engine alone: {engine.Directory}, {engineThreads} threads per request"));

        var load = new ConcurrentLoad(queries.Rows, status.Dimensions, cluster.Batch);
        BatchSearch throughCluster = ClusterQueries.Cluster(session.Client, session.Name, k, probes, status.Generation, cancellationToken);
        BatchSearch? alone = engine is null ? null : ClusterQueries.Engine(engine, k, probes, settings.Threads);

        // First, before anything else searches: the silo's first second after it started (or rebuilt) against its steady state.
        FirstCallSpeed firstCall = await FirstSecond.MeasureAsync(load, throughCluster, cluster.Batch);
        context.Ui.WriteLine($"first second: cluster {firstCall.FirstSecondQueriesPerSecond:N0} q/s, {firstCall.Ratio:P0} of its steady "
            + $"{firstCall.SteadyQueriesPerSecond:N0} q/s");

        // The answers recall is measured on, then untimed warm-up of both paths (JIT, activations, connections).
        (Neighbor[][] clusterAnswers, _) = await load.AnswerAllAsync(1, throughCluster);
        Neighbor[][]? engineAnswers = engine?.SearchBatch(queries.Rows, k, probes, settings.Threads);
        var round = TimeSpan.FromSeconds(cluster.Seconds);
        await load.TimedAsync(cluster.Clients.Max(), round, throughCluster);
        if (engine is not null && alone is not null)
        {
            QueryTimer.WarmUp(engine, queries.Rows, k, probes, settings.Threads);
            await load.TimedAsync(cluster.Clients.Max(), round, alone);
        }

        var loads = new List<LoadComparison>();
        foreach (int clients in cluster.Clients)
        {
            var clusterRuns = new List<LoadResult>();
            var engineRuns = new List<LoadResult>();
            for (int r = 0; r < cluster.Rounds; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string engineText = string.Empty;
                if (alone is not null)
                {
                    LoadResult e = await load.TimedAsync(clients, round, alone);
                    engineRuns.Add(e);
                    engineText = $", engine {e.QueriesPerSecond:N0} q/s";
                }

                LoadResult c = await load.TimedAsync(clients, round, throughCluster);
                clusterRuns.Add(c);
                context.Ui.WriteLine($"clients {clients}, round {r + 1}/{cluster.Rounds}: cluster {c.QueriesPerSecond:N0} q/s{engineText}");
            }

            loads.Add(new LoadComparison(clients, [.. clusterRuns], alone is null ? null : [.. engineRuns]));
        }

        // The exact baseline runs on the tool's threads while neither side is being timed.
        ExactRun exact = await Task.Factory.StartNew(
            () => BenchExact.Run(context, input, queries.Rows, k, settings.Threads, cancellationToken),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        return new ClusterBenchOutcome(
            cluster,
            input,
            queries,
            status,
            probes,
            k,
            engineThreads,
            build,
            engineNote,
            [.. loads],
            firstCall,
            exact,
            Recall.AtK(clusterAnswers, exact.Answers, k),
            engineAnswers is null ? null : Recall.AtK(engineAnswers, exact.Answers, k),
            engineAnswers is null ? null : SameIdsFraction(clusterAnswers, engineAnswers));
    }

    /// <summary>Reuses the cluster's index when it holds this data, builds it when missing or asked to, refuses other data.</summary>
    private static async Task<ClusterBuildOutcome?> EnsureIndexAsync(
        CliContext context,
        ClusterSession session,
        VectorFile input,
        BenchSettings settings,
        CancellationToken cancellationToken)
    {
        IndexStatus status = await session.Client.StatusAsync(session.Name, cancellationToken: cancellationToken);
        if (settings.Rebuild || !status.Exists)
        {
            return await ClusterBuildRun.BuildAsync(
                context,
                session,
                new ClusterBuildSettings(input.Path, settings.Dimensions, settings.Clusters, settings.Seed, settings.Storage),
                cancellationToken);
        }

        string? source = session.EngineDirectory is { } directory
            && ManifestStore.Exists(directory) ? ManifestStore.Read(directory).Build.Source : null;
        if (status.Count != input.Count || status.Dimensions != input.Dimensions || (source is not null && source != input.Path))
        {
            throw new CliException($"index '{session.Name}' in the cluster holds {status.Count:N0} x "
                + $"{status.Dimensions}{(source is null ? string.Empty : $" from '{source}'")}, not {input.Count:N0} x {input.Dimensions} from "
                + $"'{input.Path}'; add --rebuild to rebuild it, or pick another --name.");
        }

        context.Ui.WriteLine($"index: reusing '{session.Name}' in the cluster (generation {status.Generation}, rebuilt in "
            + $"{status.LastRebuild?.Seconds ?? 0:F1} s)");
        return null;
    }

    private static (VectorIndex? Index, string? Note) OpenEngine(ClusterSession session, long generation)
    {
        if (session.EngineDirectory is not { } directory)
        {
            return (null, "the cluster's files are not on this machine; give --engine-index");
        }

        if (!ManifestStore.Exists(directory))
        {
            return (null, $"no engine index at {directory}");
        }

        VectorIndex index = VectorIndex.Open(directory);
        if (index.Generation != generation)
        {
            long found = index.Generation;
            index.Dispose();
            return (null, $"{directory} holds generation {found}, the cluster serves {generation}");
        }

        return (index, null);
    }

    private static double SameIdsFraction(Neighbor[][] a, Neighbor[][] b)
    {
        int same = 0;
        for (int q = 0; q < a.Length; q++)
        {
            same += a[q].Select(n => n.Id).SequenceEqual(b[q].Select(n => n.Id)) ? 1 : 0;
        }

        return (double)same / a.Length;
    }
}
