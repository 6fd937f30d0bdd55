using System.Diagnostics;
using HyperdOrleans.Engine;
using HyperdOrleans.Evaluation.Measure;

namespace HyperdOrleans.Evaluation.Exact;

/// <summary>A timed batched exact pass: the true top k of every query, and what it took on how many threads.</summary>
public sealed record ExactRun(Neighbor[][] Answers, double Seconds, double CpuSeconds, int Threads)
{
    public double QueriesPerSecond => Answers.Length / Seconds;

    public double QueriesPerCpuSecond => Answers.Length / Math.Max(1e-9, CpuSeconds);
}

/// <summary>
/// The one exact baseline of <c>hyperd bench</c> and the benchmark report: <see cref="BatchedExactSearch"/> over a
/// mapped unit base, every query in one batch, after a short warm-up so the timed pass runs compiled kernels.
/// Its answers are also the ground truth recall is measured against. Thread-safe (stateless).
/// </summary>
public static class ExactBaseline
{
    private const int WarmUpQueries = 64;

    /// <summary>Answers and times every row of <paramref name="unitQueries"/> (unit length, row-major).</summary>
    public static ExactRun Run(UnitBase unitBase, float[] unitQueries, int k, int threads)
    {
        int d = unitBase.Dimensions;
        int count = unitQueries.Length / d;
        int workers = threads > 0 ? threads : Environment.ProcessorCount;
        BatchedExactSearch.Search(unitBase, unitQueries.AsSpan(0, Math.Min(count, WarmUpQueries) * d).ToArray(), k, workers);
        var clock = Stopwatch.StartNew();
        double cpu = CpuClock.ProcessSeconds();
        Neighbor[][] answers = BatchedExactSearch.Search(unitBase, unitQueries, k, workers);
        return new ExactRun(answers, clock.Elapsed.TotalSeconds, CpuClock.ProcessSeconds() - cpu, workers);
    }

    /// <summary>
    /// Unit-length copies of <paramref name="queries"/> (row-major), validated as the index validates its queries,
    /// so exact and index searches rank by the same cosine.
    /// </summary>
    public static float[] UnitQueries(ReadOnlySpan<float> queries, int dimensions) =>
        Engine.Search.VectorIndex.PrepareQueries(queries, dimensions);
}
