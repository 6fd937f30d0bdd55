using System.Diagnostics;
using HyperdOrleans.Bench.Data;
using HyperdOrleans.Evaluation.Diagnostics;
using HyperdOrleans.Evaluation.Measure;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Bench.Methods;

/// <summary>
/// Measures one setting of one method the same way for every method: a warm-up, a timed batch of every query at
/// k=10 (recall@10, queries/s), a timed batch at k=100 (recall@100), then queries one at a time on one thread
/// (latency p50/p99). Recall is tie-aware against the cached exact top-100.
/// </summary>
internal static class SearchMeasure
{
    /// <summary>Answers the first <c>count</c> queries of the data set with k neighbours each.</summary>
    public delegate Neighbor[][] BatchSearch(int count, int k);

    /// <summary>Answers query <c>q</c> alone with k neighbours.</summary>
    public delegate Neighbor[] SingleSearch(int q, int k);

    public static SearchPoint Run(Dataset data, string method, string setting, BatchSearch batch, SingleSearch single, int latencyQueries)
    {
        int n = data.QueryCount;
        batch(Math.Min(n, 64), 10);
        var clock = Stopwatch.StartNew();
        double cpu = CpuClock.ProcessSeconds();
        Neighbor[][] answers10 = batch(n, 10);
        double qps = n / clock.Elapsed.TotalSeconds;
        double qpsCpu = n / Math.Max(1e-9, CpuClock.ProcessSeconds() - cpu);
        double recall10 = Recall.AtK(answers10, data.GroundTruth, 10);

        clock.Restart();
        Neighbor[][] answers100 = batch(n, 100);
        double qps100 = n / clock.Elapsed.TotalSeconds;
        double recall100 = Recall.AtK(answers100, data.GroundTruth, 100);

        var latencies = new List<double>(latencyQueries);
        var cpuLatencies = new List<double>(latencyQueries);
        for (int q = 0; q < Math.Min(n, latencyQueries); q++)
        {
            long start = Stopwatch.GetTimestamp();
            double cpuStart = CpuClock.ProcessSeconds();
            single(q, 10);
            cpuLatencies.Add((CpuClock.ProcessSeconds() - cpuStart) * 1000);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        (_, double p50, double p99, _) = LatencyStats.Of(latencies);
        (_, double cpuP50, double cpuP99, _) = LatencyStats.Of(cpuLatencies);
        return new SearchPoint
        {
            Method = method,
            Setting = setting,
            RecallAt10 = recall10,
            RecallAt100 = recall100,
            QueriesPerSecond = qps,
            QueriesPerSecondAt100 = qps100,
            LatencyP50Ms = p50,
            LatencyP99Ms = p99,
            QueriesPerCpuSecond = qpsCpu,
            CpuP50Ms = cpuP50,
            CpuP99Ms = cpuP99,
            Queries = n,
        };
    }

    /// <summary>Sum of the sizes of every file under <paramref name="directory"/>.</summary>
    public static long DirectoryBytes(string directory) =>
        Directory.Exists(directory) ? new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}
