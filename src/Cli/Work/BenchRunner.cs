using HyperdOrleans.Cli.Commands;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Evaluation.Exact;
using HyperdOrleans.Evaluation.Measure;
using Spectre.Console;

namespace HyperdOrleans.Cli.Work;

/// <summary>What a bench measured, for the report.</summary>
internal sealed record BenchOutcome(
    VectorFile Input,
    QuerySet Queries,
    SearchParameters Probes,
    int K,
    BuildOutcome? Build,
    double BuildSeconds,
    Throughput Index,
    LatencyStats? Latency,
    FirstCallSpeed FirstCall,
    ExactRun Exact,
    double Recall,
    SearchStats Scanned,
    long IndexBytes);

/// <summary>
/// The whole benchmark in order: data (given or generated), index (reused or built), the first second of search on
/// the freshly opened index against steady state, timed index search, the timed exact baseline over the same
/// queries with the same threads, then recall against the exact answers.
/// </summary>
internal static class BenchRunner
{
    public const int DefaultGeneratedQueries = 1000;

    public static BenchOutcome Run(CliContext context, BenchSettings settings, CancellationToken cancellationToken)
    {
        (VectorFile input, string queriesPath) = ResolveData(context, settings, cancellationToken);
        BuildOutcome? build = BenchIndex.Ensure(context, input, settings, cancellationToken);
        if (settings.Tuning is { } tuning)
        {
            settings.RequireTuned(ProbeTuning.TuneEngine(context, settings.Index, tuning, cancellationToken));
        }

        using VectorIndex index = VectorIndex.Open(settings.Index);
        QuerySet queries = QuerySet.Load(queriesPath, index.Dimensions, settings.Generate is null ? settings.QueryCount : null);
        SearchParameters probes = CliOptions.Probes(index.DefaultParameters, settings.LshProbes, settings.NProbe, settings.Rerank, settings.Budget);
        int k = settings.K;
        if (k > index.Count)
        {
            throw new CliException($"--k {k} asks for more neighbours than the index's {index.Count:N0} vectors.");
        }

        context.Ui.WriteLine($"searching: {queries.Count:N0} queries, k {k}, lsh-probes {probes.LshProbes}, nprobe {probes.NProbe}, budget "
            + $"{CliOptions.BudgetName(probes.Budget)}, {IndexBuildRun.ThreadsText(settings.Threads)}");

        // First, before anything else searches in this process: a fresh open's first second is what a short run gets.
        var load = new ConcurrentLoad(queries.Rows, index.Dimensions, settings.Batch);
        FirstCallSpeed firstCall = FirstSecond.MeasureAsync(
            load,
            rows => Task.FromResult(index.SearchBatch(rows, k, probes, settings.Threads)),
            settings.Batch)
            .GetAwaiter().GetResult();
        QueryTimer.WarmUp(index, queries.Rows, k, probes, settings.Threads);
        cancellationToken.ThrowIfCancellationRequested();
        Throughput batch = QueryTimer.Batched(index, queries.Rows, k, probes, settings.Threads);
        var scanned = new SearchStats();
        index.SearchBatch(queries.Rows, k, probes, settings.Threads, scanned);
        LatencyStats? latency = settings.LatencyQueries > 0 ? QueryTimer.SingleQueries(index, queries.Rows, settings.LatencyQueries, k, probes)
            : null;

        ExactRun exact = BenchExact.Run(context, input, queries.Rows, k, settings.Threads, cancellationToken);

        return new BenchOutcome(
            input,
            queries,
            probes,
            k,
            build,
            build?.Seconds ?? index.Manifest.Build.Seconds,
            batch,
            latency,
            firstCall,
            exact,
            Recall.AtK(batch.Results, exact.Answers, k),
            scanned,
            GenerationBytes(index));
    }

    /// <summary>The served generation's files on disk (centroids, lists and, for SQ8, codes).</summary>
    private static long GenerationBytes(VectorIndex index) =>
        index.Manifest.Buckets
            .SelectMany(b => new[] { b.CentroidsFile, b.ListsFile, b.CodesFile })
            .Where(f => f is not null)
            .Sum(f => new FileInfo(Path.Combine(index.Directory, f!)).Length);

    public static (VectorFile Input, string QueriesPath) ResolveData(CliContext context, BenchSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Generate is { } kind)
        {
            int dimensions = settings.Dimensions ?? CliOptions.DefaultDimensions;
            DatasetFiles files = DatasetCache.Ensure(
                context,
                kind,
                settings.Count,
                dimensions,
                settings.Seed,
                settings.QueryCount ?? DefaultGeneratedQueries,
                settings.DataFolder,
                cancellationToken);
            return (VectorFile.Open(files.BasePath, dimensions), files.QueriesPath);
        }

        // The full path is what the manifest records as the source, so a reused index is recognised from any working directory.
        return (VectorFile.Open(Path.GetFullPath(settings.Input!), settings.Dimensions), settings.Queries!);
    }
}
