using HyperdOrleans.Cli.Commands;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Measure;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
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
    ExactOutcome Exact,
    double Recall,
    double CourseScore,
    SearchStats Scanned,
    long IndexBytes);

/// <summary>
/// The whole benchmark in order: data (given or generated), index (reused or built), timed index search, timed
/// exact search over the same queries with the same threads, then quality against the exact answers.
/// </summary>
internal static class BenchRunner
{
    public const int DefaultGeneratedQueries = 1000;

    public static BenchOutcome Run(CliContext context, BenchSettings settings, CancellationToken cancellationToken)
    {
        (VectorFile input, string queriesPath) = ResolveData(context, settings, cancellationToken);
        BuildOutcome? build = BenchIndex.Ensure(context, input, settings, cancellationToken);

        using VectorIndex index = VectorIndex.Open(settings.Index);
        QuerySet queries = QuerySet.Load(queriesPath, index.Dimensions, settings.Generate is null ? settings.QueryCount : null);
        SearchParameters probes = CliOptions.Probes(index.DefaultParameters, settings.LshProbes, settings.NProbe, settings.Rerank, settings.Budget);
        int k = settings.K;
        if (k > index.Count)
        {
            throw new CliException($"--k {k} asks for more neighbours than the index's {index.Count:N0} vectors.");
        }

        context.Ui.WriteLine($"searching: {queries.Count:N0} queries, k {k}, lsh-probes {probes.LshProbes}, nprobe {probes.NProbe}, budget {CliOptions.BudgetName(probes.Budget)}, {IndexBuildRun.ThreadsText(settings.Threads)}");
        QueryTimer.WarmUp(index, queries.Rows, k, probes, settings.Threads);
        cancellationToken.ThrowIfCancellationRequested();
        Throughput batch = QueryTimer.Batched(index, queries.Rows, k, probes, settings.Threads);
        var scanned = new SearchStats();
        index.SearchBatch(queries.Rows, k, probes, settings.Threads, scanned);
        LatencyStats? latency = settings.LatencyQueries > 0 ? QueryTimer.SingleQueries(index, queries.Rows, settings.LatencyQueries, k, probes) : null;

        cancellationToken.ThrowIfCancellationRequested();
        ExactTimer.WarmUp(input, queries.Rows, k, settings.Threads);
        ExactOutcome exact = ExactTimer.Run(context, input, queries.Rows, k, settings.Threads, batch.Results, cancellationToken);

        return new BenchOutcome(
            input,
            queries,
            probes,
            k,
            build,
            build?.Seconds ?? index.Manifest.Build.Seconds,
            batch,
            latency,
            exact,
            Evaluation.RecallAtK(batch.Results, exact.Result.Neighbors, k),
            Evaluation.CourseScore(batch.Results, exact.Result.Positions!, k, input.Count),
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
            DatasetFiles files = DatasetCache.Ensure(context, kind, settings.Count, dimensions, settings.Seed, settings.QueryCount ?? DefaultGeneratedQueries, settings.DataFolder, cancellationToken);
            return (VectorFile.Open(files.BasePath, dimensions), files.QueriesPath);
        }

        // The full path is what the manifest records as the source, so a reused index is recognised from any working directory.
        return (VectorFile.Open(Path.GetFullPath(settings.Input!), settings.Dimensions), settings.Queries!);
    }
}
