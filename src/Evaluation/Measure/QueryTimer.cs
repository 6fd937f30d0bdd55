using System.Diagnostics;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Evaluation.Measure;

/// <summary>
/// Times index searches two ways, because they answer different questions: throughput runs all queries as one
/// batch over the given threads (how the engine serves a stream of queries); latency sends queries one at a time
/// on one thread (what a single caller waits). Both follow a warm-up, so neither times the JIT.
/// </summary>
public static class QueryTimer
{
    private const int MinWarmUpCalls = 200;
    private const int MaxBatchRuns = 10;
    private static readonly TimeSpan MinBatchTime = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinWarmUp = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Runs both paths untimed until the search methods have been called often and long enough for tiered
    /// compilation to replace their first, unoptimised code (call counting starts after a short delay, hence the time floor).
    /// </summary>
    public static void WarmUp(VectorIndex index, float[] queries, int k, SearchParameters parameters, int threads)
    {
        int d = index.Dimensions;
        int count = queries.Length / d;
        int batch = Math.Min(count, 256);
        index.SearchBatch(queries.AsSpan(0, batch * d), k, parameters, threads);
        var clock = Stopwatch.StartNew();
        for (int call = 0; clock.Elapsed < MaxWarmUp && (call < MinWarmUpCalls || clock.Elapsed < MinWarmUp); call++)
        {
            int q = call % count;
            index.Search(queries.AsSpan(q * d, d), k, parameters);
        }

        index.SearchBatch(queries.AsSpan(0, batch * d), k, parameters, threads);
    }

    /// <summary>
    /// Runs the whole batch repeatedly until about a second has been timed (at most <see cref="MaxBatchRuns"/> runs)
    /// and keeps the median: on a shared machine one short run can land on a busy moment.
    /// </summary>
    public static Throughput Batched(VectorIndex index, float[] queries, int k, SearchParameters parameters, int threads)
    {
        Neighbor[][]? results = null;
        List<double> runs = [];
        var total = Stopwatch.StartNew();
        do
        {
            long start = Stopwatch.GetTimestamp();
            Neighbor[][] answers = index.SearchBatch(queries, k, parameters, threads);
            runs.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            results ??= answers;
        }
        while (total.Elapsed < MinBatchTime && runs.Count < MaxBatchRuns);

        runs.Sort();
        return new Throughput(results, runs[runs.Count / 2], EffectiveThreads(threads), runs.Count);
    }

    /// <summary>Answers the first <paramref name="count"/> queries one at a time, timing each.</summary>
    public static LatencyStats SingleQueries(VectorIndex index, float[] queries, int count, int k, SearchParameters parameters)
    {
        int d = index.Dimensions;
        count = Math.Min(count, queries.Length / d);
        var seconds = new double[count];
        for (int q = 0; q < count; q++)
        {
            long start = Stopwatch.GetTimestamp();
            index.Search(queries.AsSpan(q * d, d), k, parameters);
            seconds[q] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        return LatencyStats.Of(seconds);
    }

    public static int EffectiveThreads(int threads) => threads > 0 ? threads : Environment.ProcessorCount;
}
