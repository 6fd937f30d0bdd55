using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Bench.Data;
using HyperdOrleans.Client;
using HyperdOrleans.Engine;
using HyperdOrleans.Evaluation.Diagnostics;
using HyperdOrleans.Evaluation.Measure;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace HyperdOrleans.Bench.Methods;

/// <summary>
/// The engine served by a cluster: one silo in this process (Orleans TestingHost, the client talks to it through its
/// gateway as any client does), the index built through the client SDK from the data set's file, then measured as
/// every method is (<see cref="SearchMeasure"/>) with each batch one <see cref="HyperdClient.SearchRowsAsync"/> request,
/// at a few settings. What it adds to the engine's figures is Orleans' cost: serialisation, scheduling, fan-out, merge.
/// </summary>
internal sealed class ClusterMethod(BenchOptions options, Dataset data, DatasetResult result, TextWriter log)
{
    private const string Index = "bench";

    public void Run() => RunAsync().GetAwaiter().GetResult();

    private async Task RunAsync()
    {
        string root = Path.Combine(options.CacheDirectory, "cluster", $"{data.Name}-{Guid.NewGuid():N}");
        try
        {
            var builder = new InProcessTestClusterBuilder(1);
            builder.Options.ConfigureFileLogging = false; // no logs/ folder in the working directory
            builder.ConfigureSiloHost((_, host) => host.Logging.SetMinimumLevel(LogLevel.Warning));
            builder.ConfigureClientHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
            builder.ConfigureSilo((siloOptions, silo) =>
            {
                silo.AddMemoryGrainStorage(HyperdStorage.Name);
                silo.AddHyperdLocalFileStore(Path.Combine(root, "store"));
                silo.AddHyperd(o =>
                {
                    o.CacheDirectory = Path.Combine(root, "cache", siloOptions.SiloName);
                    o.WorkDirectory = Path.Combine(root, "work", siloOptions.SiloName);
                    o.RebuildPendingThreshold = 0;
                    o.ImportRoots.Add(Path.GetDirectoryName(Path.GetFullPath(data.BasePath))!);

                    // The TestingHost's client probes its silos through this runtime endpoint.
                    o.ClientCallableInterfaces.Add("Orleans.Runtime.TestHooks.ITestHooks");
                });
            });
            await using InProcessTestCluster cluster = builder.Build();
            await cluster.DeployAsync();
            // Benchmark batches (every query at once) may run longer than an interactive search's 10 s deadline.
            var client = new HyperdClient(cluster.Client, new HyperdClientOptions { SearchTimeout = TimeSpan.FromMinutes(5) });

            await BuildAsync(client, root);
            await FirstCallAsync(client);
            foreach ((int l, int p) in options.ClusterSettings)
            {
                var settings = new SearchOptions(l, p);
                SearchPoint point = SearchMeasure.Run(
                    data,
                    MethodNames.Cluster,
                    $"lshProbes={l}, nprobe={p}",
                    (count, k) => Search(client, data.Queries.AsSpan(0, count * data.Dimensions).ToArray(), k, settings).GetAwaiter().GetResult(),
                    (q, k) => Search(
                        client,
                        data.Queries.AsSpan(q * data.Dimensions, data.Dimensions).ToArray(),
                        k,
                        settings).GetAwaiter().GetResult()[0],
                    options.LatencyQueries);
                point = point with { LshProbes = l, NProbe = p };
                result.Points.Add(point);
                log.WriteLine($"  {MethodNames.Cluster,-13} {point.Setting,-26} recall@10 {point.RecallAt10:F4}  recall@100 {point.RecallAt100:F4}  "
                    + $"{point.QueriesPerSecond,9:F0} q/s ({point.QueriesPerCpuSecond:F0} per CPU-s)  p50 {point.LatencyP50Ms:F3} ms");
            }
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private async Task BuildAsync(HyperdClient client, string root)
    {
        log.WriteLine($"  {MethodNames.Cluster}: building through the client (one silo in this process)...");
        using var sampler = new PeakMemorySampler();
        var clock = Stopwatch.StartNew();
        double cpu = CpuClock.ProcessSeconds();
        IndexStatus built = await client.BuildAsync(Index, new BuildRequest(data.BasePath));
        ProcessMemory end = sampler.Sample();
        var record = new BuildResult
        {
            Method = MethodNames.Cluster,
            Count = data.Count,
            Threads = Environment.ProcessorCount,
            Seconds = clock.Elapsed.TotalSeconds,
            CpuSeconds = CpuClock.ProcessSeconds() - cpu,
            PeakRssAnonBytes = sampler.PeakRssAnonBytes ?? 0,
            BaselineRssAnonBytes = sampler.Baseline.RssAnonBytes,
            PeakHwmBytes = end.PeakResidentBytes,
            IndexBytes = SearchMeasure.DirectoryBytes(Path.Combine(root, "store")),
            RawBytes = data.RawBytes,
            Note = $"through the client SDK, generation {built.Generation}",
        };
        result.Builds.Add(record);
        log.WriteLine($"  {MethodNames.Cluster}: built in {record.Seconds:F1} s (generation {built.Generation})");
    }

    /// <summary>The cluster's first second right after its build, before the sweep warms it, against its steady state.</summary>
    private async Task FirstCallAsync(HyperdClient client)
    {
        bool fresh = FirstCalls.TakeFresh();
        var load = new ConcurrentLoad(data.Queries, data.Dimensions, FirstCalls.Batch);
        FirstCallSpeed speed = await FirstSecond.MeasureAsync(load, rows => Search(client, rows, 10, options: null), FirstCalls.Batch);
        FirstCalls.Record(result, MethodNames.Cluster, speed, fresh, log);
    }

    private static async Task<Neighbor[][]> Search(HyperdClient client, float[] rows, int k, SearchOptions? options)
    {
        SearchResponse response = await client.SearchRowsAsync(Index, rows, k, options);
        return [.. response.Results.Select(r => r.Ids.Zip(r.Scores, (id, score) => new Neighbor(id, score)).ToArray())];
    }
}
