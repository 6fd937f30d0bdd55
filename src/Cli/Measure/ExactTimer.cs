using System.Diagnostics;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Cli.Measure;

/// <summary>A timed exact pass: true neighbours, the rank positions of the index's answers, and the time taken.</summary>
internal sealed record ExactOutcome(ExactSearch.Result Result, double Seconds, int Threads)
{
    public double QueriesPerSecond => Result.Neighbors.Length / Seconds;
}

/// <summary>Times brute-force search over the whole file: the ground truth and the baseline the index must beat.</summary>
internal static class ExactTimer
{
    private const int WarmUpRows = 32_768;
    private const int WarmUpQueries = 64;

    /// <summary>
    /// Scores the first rows against a few queries through the same kernels, so the timed pass does not include
    /// their first compilation.
    /// </summary>
    public static void WarmUp(VectorFile file, float[] queries, int k, int threads)
    {
        int d = file.Dimensions;
        int rows = (int)Math.Min(file.Count, WarmUpRows);
        float[] sample = file.ReadRows(0, rows);
        VectorMath.NormalizeRows(sample, d, 0, $"'{file.Path}'");
        int count = Math.Min(queries.Length / d, WarmUpQueries);
        ExactSearch.Search(sample, d, queries.AsSpan(0, count * d), Math.Min(k, rows), threads);
    }

    /// <summary>
    /// One pass over the file that both finds the exact top k and counts, for each of the index's answers, how many
    /// rows beat it (its rank position, for the course score); the counting adds little to the scan.
    /// </summary>
    public static ExactOutcome Run(CliContext context, VectorFile file, float[] queries, int k, int threads, Neighbor[][] approximate, CancellationToken cancellationToken) =>
        ProgressDisplay.Run(context, state =>
        {
            var progress = new CallbackProgress<long>(rows =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                state.Set("exact", "exact search", rows, file.Count);
            });
            long start = Stopwatch.GetTimestamp();
            ExactSearch.Result result = ExactSearch.Search(file, queries, k, threads, approximate, progress);
            return new ExactOutcome(result, Stopwatch.GetElapsedTime(start).TotalSeconds, QueryTimer.EffectiveThreads(threads));
        });
}
