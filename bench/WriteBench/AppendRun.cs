using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Evaluation.Measure;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace HyperdOrleans.WriteBench;

/// <summary>
/// One silo in this process with the embedded default's storage (grain state in files, index files and the write-ahead log
/// in a directory) and a client through its gateway: builds an index, then appends batches of fresh rows and reports each
/// band's median and p99 latency, so a cost that grows with the pending rows shows as a rising column.
/// </summary>
internal static class AppendRun
{
    private const string Index = "writes";

    public static async Task<int> RunAsync(WriteSettings settings, TextWriter log)
    {
        string root = settings.Folder ?? Path.Combine(Path.GetTempPath(), $"hyperd-writebench-{Guid.NewGuid():N}");
        try
        {
            var builder = new InProcessTestClusterBuilder(1);
            builder.Options.ConfigureFileLogging = false;
            builder.ConfigureSiloHost((_, host) => host.Logging.SetMinimumLevel(LogLevel.Warning));
            builder.ConfigureClientHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
            builder.ConfigureSilo((siloOptions, silo) =>
            {
                silo.AddHyperdFileGrainStorage(Path.Combine(root, "state"));
                silo.AddHyperdLocalFileStore(Path.Combine(root, "store"));
                silo.AddHyperd(o =>
                {
                    o.CacheDirectory = Path.Combine(root, "cache");
                    o.WorkDirectory = Path.Combine(root, "work");
                    o.RebuildPendingThreshold = 0;
                });
            });
            await using InProcessTestCluster cluster = builder.Build();
            await cluster.DeployAsync();
            var client = new HyperdClient(cluster.Client);

            var data = new SyntheticData(SyntheticKind.Clustered, settings.Dimensions, seed: 11);
            string source = Path.Combine(root, "base.fvecs");
            Directory.CreateDirectory(root);
            data.WriteFile(source, settings.BaseRows);
            var clock = Stopwatch.StartNew();
            await client.BuildAsync(Index, new BuildRequest(source));
            log.WriteLine($"built {settings.BaseRows:N0} × {settings.Dimensions} in {clock.Elapsed.TotalSeconds:F1} s; appending "
                + $"{settings.PendingRows:N0} rows in batches of {settings.Batch}");

            var extra = new SyntheticData(SyntheticKind.Clustered, settings.Dimensions, seed: 12, SyntheticData.Stream.Queries);
            int appends = settings.PendingRows / settings.Batch;
            int perBand = Math.Max(1, appends / settings.Bands);
            var vectors = new float[settings.Batch * settings.Dimensions];
            var band = new List<double>();
            log.WriteLine($"{"pending rows",14} {"median ms",10} {"p99 ms",8}");
            double? firstMedian = null;
            double lastMedian = 0;
            for (int a = 0; a < appends; a++)
            {
                extra.Fill(vectors);
                long[] ids = [.. Enumerable.Range(0, settings.Batch).Select(i => 10_000_000L + (long)a * settings.Batch + i)];
                clock.Restart();
                await client.AppendAsync(Index, ids, vectors);
                band.Add(clock.Elapsed.TotalMilliseconds);
                if (band.Count == perBand || a == appends - 1)
                {
                    LatencyStats stats = LatencyStats.Of(band);
                    firstMedian ??= stats.P50;
                    lastMedian = stats.P50;
                    log.WriteLine($"{(long)(a + 1) * settings.Batch,14:N0} {stats.P50,10:F2} {stats.P99,8:F2}");
                    band.Clear();
                }
            }

            IndexStatus status = await client.StatusAsync(Index);
            log.WriteLine($"pending operations {status.PendingOperations:N0}; last band / first band median: {lastMedian / firstMedian:F2}×");
            log.WriteLine($"on disk: grain state {Megabytes(Path.Combine(root, "state")):F1} MB, write-ahead log "
                + $"{Megabytes(Path.Combine(root, "store", Index, "log")):F1} MB");
            return 0;
        }
        finally
        {
            if (settings.Folder is null && Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static double Megabytes(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1e6
        : 0;
}
