using System.Diagnostics;

using Cloud.Unum.USearch;
using HyperdOrleans.Bench.Data;
using HyperdOrleans.Engine;
using HyperdOrleans.Evaluation.Diagnostics;
using HyperdOrleans.Evaluation.Exact;
using HyperdOrleans.Evaluation.Measure;

namespace HyperdOrleans.Bench.Methods;

/// <summary>
/// HNSW through USearch (Cloud.Unum.USearch): cosine over float32, connectivity 16, expansion_add 128 (its
/// defaults), built from the mapped unit base on the run's threads, then searched at several ef (expansion_search).
/// The index lives in memory: its build memory and its resident size are what it costs.
/// </summary>
internal sealed unsafe class USearchMethod(BenchOptions options, Dataset data, DatasetResult result, TextWriter log)
{
    public const int Connectivity = 16;
    public const int ExpansionAdd = 128;

    public void Run()
    {
        GC.Collect();
        ProcessMemory.TryResetPeak();
        using var sampler = new PeakMemorySampler();
        var clock = Stopwatch.StartNew();
        double cpu = CpuClock.ProcessSeconds();
        using var index = new USearchIndex(MetricKind.Cos, ScalarKind.Float32, (ulong)data.Dimensions, Connectivity, ExpansionAdd, 64, false);
        IntPtr handle = USearchNative.Handle(index);
        USearchNative.Reserve(handle, data.Count);
        long next = 0;
        const int Chunk = 1024;
        Parallel.For(0, options.Threads, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, _ =>
        {
            long first;
            while ((first = Interlocked.Add(ref next, Chunk) - Chunk) < data.Count)
            {
                long end = Math.Min(data.Count, first + Chunk);
                for (long row = first; row < end; row++)
                {
                    USearchNative.Add(handle, (ulong)row, data.UnitBase.Row(row));
                }
            }
        });
        double seconds = clock.Elapsed.TotalSeconds;
        double cpuSeconds = CpuClock.ProcessSeconds() - cpu;
        ProcessMemory end = sampler.Sample();
        var build = new BuildResult
        {
            Method = MethodNames.USearch,
            Count = data.Count,
            Threads = options.Threads,
            Seconds = seconds,
            CpuSeconds = cpuSeconds,
            PeakRssAnonBytes = sampler.PeakRssAnonBytes ?? 0,
            BaselineRssAnonBytes = sampler.Baseline.RssAnonBytes,
            PeakHwmBytes = end.PeakResidentBytes,
            MemoryBytes = USearchNative.MemoryUsage(handle),
            RawBytes = data.RawBytes,
            Note = $"HNSW M={Connectivity}, ef_construction={ExpansionAdd}; SIMD: {index.HardwareAcceleration()}",
        };
        result.Builds.Add(build);
        log.WriteLine($"  usearch: built in {seconds:F1} s ({cpuSeconds:F1} CPU-s), {build.MemoryBytes / 1e6:F0} MB in memory, peak RssAnon "
            + $"{build.PeakRssAnonBytes / 1e6:F0} MB (baseline {build.BaselineRssAnonBytes / 1e6:F0} MB), SIMD {index.HardwareAcceleration()}");

        foreach (int ef in options.EfSearch)
        {
            USearchNative.ChangeExpansionSearch(handle, ef);
            SearchPoint point = SearchMeasure.Run(
                data,
                MethodNames.USearch,
                $"ef={ef}",
                (count, k) => Batch(handle, count, k),
                (q, k) => One(handle, q, k),
                options.LatencyQueries);
            result.Points.Add(point with { Ef = ef });
            log.WriteLine($"  {MethodNames.USearch,-13} {point.Setting,-26} recall@10 {point.RecallAt10:F4}  recall@100 {point.RecallAt100:F4}  "
                + $"{point.QueriesPerSecond,9:F0} q/s ({point.QueriesPerCpuSecond:F0} per CPU-s)  p50 {point.LatencyP50Ms:F3} ms");
        }
    }

    private Neighbor[][] Batch(IntPtr handle, int count, int k)
    {
        var answers = new Neighbor[count][];
        Parallel.For(0, options.Threads, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, worker =>
        {
            for (int q = worker; q < count; q += options.Threads)
            {
                answers[q] = One(handle, q, k);
            }
        });
        return answers;
    }

    private Neighbor[] One(IntPtr handle, int q, int k)
    {
        ulong* keys = stackalloc ulong[k];
        float* distances = stackalloc float[k];
        int found;
        fixed (float* query = &data.UnitQueries[q * data.Dimensions])
        {
            found = USearchNative.Search(handle, query, k, keys, distances);
        }

        var hits = new Neighbor[found];
        for (int i = 0; i < found; i++)
        {
            hits[i] = new Neighbor((long)keys[i], 1f - distances[i]);
        }

        return hits;
    }
}
