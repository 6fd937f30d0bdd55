using System.Diagnostics;
using System.Globalization;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Data;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

// Usage: ClusterBench [n=200000] [dims=70] [queries=2000] [clients=4] [silos=1,3] [batch=1]
// Every silo runs in this process (Orleans TestingHost, real messaging between silos): the overhead measured is
// Orleans' (serialisation, scheduling, fan-out, merge), not the network's.
int n = Arg(0, 200_000);
int dims = Arg(1, 70);
int queryCount = Arg(2, 2_000);
int clients = Arg(3, 4);
int[] siloCounts = args.Length > 4 ? [.. args[4].Split(',').Select(int.Parse)] : [1, 3];
int batch = Arg(5, 1);
const int K = 10;

string root = Path.Combine(Path.GetTempPath(), $"hyperd-cluster-bench-{Guid.NewGuid():N}");
Directory.CreateDirectory(root);
string basePath = Path.Combine(root, "base.fvecs");
new SyntheticData(SyntheticKind.Clustered, dims, 42).WriteFile(basePath, n);
var queries = new float[queryCount * dims];
new SyntheticData(SyntheticKind.Clustered, dims, 42, SyntheticData.Stream.Queries).Fill(queries);
Console.WriteLine($"data: {n:N0} clustered x {dims}, {queryCount:N0} queries, k={K}, {clients} concurrent clients, {batch} queries per request, {Environment.ProcessorCount} cores");

try
{
    foreach (int silos in siloCounts)
    {
        await RunAsync(silos);
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

async Task RunAsync(int silos)
{
    string store = Path.Combine(root, $"store-{silos}");
    var builder = new InProcessTestClusterBuilder((short)silos);
    builder.ConfigureSiloHost((options, host) => host.Logging.SetMinimumLevel(LogLevel.Warning));
    builder.ConfigureClientHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
    builder.ConfigureSilo((options, silo) =>
    {
        silo.AddMemoryGrainStorage(HyperdStorage.Name);
        silo.AddHyperdLocalFileStore(store);
        silo.AddHyperd(o =>
        {
            o.CacheDirectory = Path.Combine(root, $"cache-{silos}", options.SiloName);
            o.WorkDirectory = Path.Combine(root, $"work-{silos}", options.SiloName);
            o.RebuildPendingThreshold = 0;
        });
    });
    await using InProcessTestCluster cluster = builder.Build();
    await cluster.DeployAsync();
    var client = new HyperdClient(cluster.Client);

    var clock = Stopwatch.StartNew();
    IndexStatus built = await client.BuildAsync("bench", new BuildRequest(basePath));
    double buildSeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"\n{silos} silo(s): build {buildSeconds:F1} s (generation {built.Generation}, jobs on {built.LastRebuild!.JobSilos.Distinct().Count()} silo(s))");

    // Warm up both paths (JIT, page cache, activations) before timing.
    await Measure("warm-up", q => client.SearchAsync("bench", Row(q), K).ContinueWith(_ => 0), Math.Min(1000, queryCount));
    using VectorIndex engine = VectorIndex.Open(Path.Combine(store, "bench"));
    await Measure("warm-up", q => Task.FromResult(engine.Search(Row(q), K).Length), Math.Min(1000, queryCount));

    (double clusterQps, double[] clusterLatency) = await Measure("cluster", q => client.SearchRowsAsync("bench", Rows(q), K).ContinueWith(t => t.Result.Results.Length), queryCount);
    (double engineQps, double[] engineLatency) = await Measure("engine", q => Task.Run(() => engine.SearchBatch(Rows(q), K, threads: 1).Length), queryCount);
    Console.WriteLine($"  {"path",-8} {"queries/s",10} {"p50 ms",8} {"p99 ms",8}   (latency per request)");
    Print("engine", engineQps, engineLatency);
    Print("cluster", clusterQps, clusterLatency);
    Console.WriteLine($"  cluster/engine queries/s: {clusterQps / engineQps:P0}");
}

float[] Row(int q) => queries.AsSpan((q % queryCount) * dims, dims).ToArray();

// Request q asks queries q*batch .. q*batch+batch-1 (wrapping), so every path answers the same rows.
float[] Rows(int q) => [.. Enumerable.Range(q * batch, batch).SelectMany(r => Row(r))];

async Task<(double Qps, double[] LatencyMs)> Measure(string what, Func<int, Task<int>> search, int queriesWanted)
{
    int count = what == "warm-up" ? queriesWanted : Math.Max(1, queriesWanted / batch);
    var latencies = new double[count];
    int next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
    {
        int q;
        while ((q = Interlocked.Increment(ref next)) < count)
        {
            long start = Stopwatch.GetTimestamp();
            await search(q);
            latencies[q] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
    })));
    Array.Sort(latencies);
    return (count * (what == "warm-up" ? 1 : batch) / clock.Elapsed.TotalSeconds, latencies);
}

static void Print(string path, double qps, double[] sorted) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {path,-8} {qps,10:F0} {sorted[sorted.Length / 2],8:F2} {sorted[(int)(sorted.Length * 0.99)],8:F2}"));

int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
