using System.Diagnostics;
using HyperdOrleans.Bench.Data;
using HyperdOrleans.Evaluation.Diagnostics;
using HyperdOrleans.Evaluation.Measure;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;

using HyperdOrleans.Evaluation.Exact;

namespace HyperdOrleans.Bench.Methods;

/// <summary>
/// The exact baselines over the mapped unit base: one query at a time (a <c>TensorPrimitives.Dot</c> scan per
/// query, one thread: also the machine's single-thread scan bandwidth) and batched as a blocked matrix product
/// on the run's threads (<see cref="ExactBaseline"/>, the same baseline <c>hyperd bench</c> prints).
/// </summary>
internal sealed class ExactMethod(BenchOptions options, Dataset data, DatasetResult result, TextWriter log)
{
    public const string Single = "exact (one query at a time)";
    public const string Batched = "exact (batched GEMM-style)";

    public void Run()
    {
        // Touch the whole base once so neither baseline pays for page faults.
        BatchedExactSearch.ScanOne(data.UnitBase, data.UnitQueries.AsSpan(0, data.Dimensions), 10);

        int single = Math.Min(options.ExactSingleQueries, data.QueryCount);
        var latencies = new List<double>(single);
        var cpuLatencies = new List<double>(single);
        var answers = new Neighbor[single][];
        for (int q = 0; q < single; q++)
        {
            long start = Stopwatch.GetTimestamp();
            double cpuStart = CpuClock.ProcessSeconds();
            answers[q] = BatchedExactSearch.ScanOne(data.UnitBase, data.UnitQueries.AsSpan(q * data.Dimensions, data.Dimensions), 10);
            cpuLatencies.Add((CpuClock.ProcessSeconds() - cpuStart) * 1000);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        (_, double p50, double p99, _) = LatencyStats.Of(latencies);
        (_, double cpuP50, double cpuP99, _) = LatencyStats.Of(cpuLatencies);

        // Bandwidth from CPU time: on a shared machine the wall time includes other processes' turns.
        result.ExactScanGBps = data.UnitBase.Bytes / (cpuP50 / 1000) / 1e9;
        Add(new SearchPoint
        {
            Method = Single,
            Setting = "1 thread",
            RecallAt10 = Recall.AtK(answers, data.GroundTruth.Take(single).ToList(), 10),
            QueriesPerSecond = 1000 / latencies.Average(),
            QueriesPerCpuSecond = 1000 / cpuLatencies.Average(),
            LatencyP50Ms = p50,
            LatencyP99Ms = p99,
            CpuP50Ms = cpuP50,
            CpuP99Ms = cpuP99,
            Queries = single,
        });
        log.WriteLine($"  exact scan bandwidth (one thread): {result.ExactScanGBps:F1} GB/s");

        int batched = Math.Min(data.QueryCount, Math.Max(options.ExactSingleQueries * 20, 64));
        ExactRun batch = ExactBaseline.Run(data.UnitBase, data.UnitQueries.AsSpan(0, batched * data.Dimensions).ToArray(), 10, options.Threads);
        Add(new SearchPoint
        {
            Method = Batched,
            Setting = $"{options.Threads} threads",
            RecallAt10 = Recall.AtK(batch.Answers, data.GroundTruth.Take(batched).ToList(), 10),
            QueriesPerSecond = batch.QueriesPerSecond,
            QueriesPerCpuSecond = batch.QueriesPerCpuSecond,
            Queries = batched,
        });
    }

    private void Add(SearchPoint point)
    {
        result.Points.Add(point);
        log.WriteLine($"  {point.Method,-30} recall@10 {point.RecallAt10:F4}  {point.QueriesPerSecond,9:F1} q/s ({point.QueriesPerCpuSecond:F1} per "
            + $"CPU-s)  p50 {point.LatencyP50Ms:F2} ms  ({point.Queries} queries)");
    }
}
