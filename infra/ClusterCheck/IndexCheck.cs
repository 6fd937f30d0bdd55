using System.Diagnostics;
using System.Globalization;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using HyperdOrleans.Client.Tls;
using HyperdOrleans.Engine;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HyperdOrleans.ClusterCheck;

/// <summary>
/// <c>ClusterCheck index</c>: what a user does first with a cluster, through the client SDK. Writes a clustered
/// synthetic file (the silos read it by path, so it must be on a disk they see), builds an index from it, asks
/// the cluster for the top 10 of some queries and checks them against an exact scan here, then times rebuilds
/// (the index rebuilt from its own data, its bucket jobs spread over the silos).
/// </summary>
internal static class IndexCheck
{
    private const int K = 10;
    private const int QueryCount = 100;

    public static async Task<int> RunAsync(string[] args, string connectionString, string clusterId, string serviceId, MutualTlsOptions tls)
    {
        var count = Args.Int(args, "--count", 100_000);
        var dimensions = Args.Int(args, "--dims", 70);
        var rebuilds = Args.Int(args, "--rebuilds", 1);
        var name = Args.String(args, "--name", "check");
        var given = Args.String(args, "--data", "");
        var data = Path.GetFullPath(given.Length > 0 ? given : $"clustered-{count}x{dimensions}.fvecs");
        if (given.Length > 0 && !File.Exists(data))
        {
            // Only the default file is made here: a mistyped path must not become a new file somewhere.
            Console.Error.WriteLine($"--data {data}: no such file");
            return 2;
        }
        if (!File.Exists(data))
        {
            var write = Stopwatch.StartNew();
            new SyntheticData(SyntheticKind.Clustered, dimensions, seed: 1).WriteFile(data, count);
            Console.WriteLine($"wrote {count:N0} x {dimensions} clustered vectors to {data} in {write.Elapsed.TotalSeconds:F1} s");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddHyperdClient(o =>
        {
            (o.AzureStorageConnectionString, o.ClusterId, o.ServiceId, o.Tls) = (connectionString, clusterId, serviceId, tls);

            // A first build of a large file and a batch of queries are one call each: longer than interactive deadlines.
            o.CallTimeout = TimeSpan.FromMinutes(2);
            o.SearchTimeout = TimeSpan.FromMinutes(2);
        });
        using var host = builder.Build();
        await host.StartAsync();
        var hyperd = host.Services.GetRequiredService<HyperdClient>();

        var clock = Stopwatch.StartNew();
        IndexStatus built = await hyperd.StatusAsync(name);
        if (built.Exists && built.Count == VectorFile.Open(data).Count && !args.Contains("--build"))
        {
            // Built by an earlier run (the index outlives clients and silo restarts): go straight to queries and rebuilds.
            Console.WriteLine($"index '{name}' exists: generation {built.Generation}, {built.Count:N0} vectors (--build to build it again)");
        }
        else
        {
            built = await hyperd.BuildAsync(name, new BuildRequest(data, Seed: 1));
            Console.WriteLine($"build '{name}': generation {built.Generation}, {built.Count:N0} vectors, {built.Buckets.Length} buckets, " +
                $"{clock.Elapsed.TotalSeconds:F1} s at the client; {Describe(built.LastRebuild)}");
        }

        var queries = new float[QueryCount * dimensions];
        new SyntheticData(SyntheticKind.Clustered, dimensions, seed: 1, SyntheticData.Stream.Queries).Fill(queries);
        clock.Restart();
        SearchResponse answer = await hyperd.SearchRowsAsync(name, queries, K);
        var searchMs = clock.Elapsed.TotalMilliseconds;
        var exact = ExactSearch.Search(VectorFile.Open(data), queries, K).Neighbors;
        var cluster = answer.Results.Select(r => r.Ids.Zip(r.Scores, (id, s) => new Neighbor(id, s)).ToArray()).ToArray();
        var recall = Recall.AtK(cluster, exact, K);
        Console.WriteLine($"search: {QueryCount} queries in one batch, {searchMs:F0} ms; recall@{K} against an exact scan {recall:F3}");
        Console.WriteLine($"  query 0: {string.Join(", ", cluster[0].Take(3).Select(n => $"{n.Id} {n.Score:F3}"))}");

        var seconds = new List<double>();
        for (var i = 0; i < rebuilds; i++)
        {
            IndexStatus rebuilt = await hyperd.BuildAsync(name, new BuildRequest(Seed: 1));
            seconds.Add(rebuilt.LastRebuild?.Seconds ?? double.NaN);
            Console.WriteLine($"rebuild {i + 1}: generation {rebuilt.Generation}, {Describe(rebuilt.LastRebuild)}");
        }
        if (seconds.Count > 0)
        {
            seconds.Sort();
            Console.WriteLine($"rebuild median {seconds[seconds.Count / 2]:F1} s over {seconds.Count} (min {seconds[0]:F1}, max {seconds[^1]:F1})");
        }

        await host.StopAsync();
        // Clustered data: a working cluster finds most true neighbours; a broken one (wrong ids, one bucket) far fewer.
        return recall >= 0.5 ? 0 : 1;
    }

    private static string Describe(RebuildOutcome? outcome) => outcome is null
        ? "no rebuild outcome"
        : $"rebuild {outcome.Seconds:F1} s on the silos, bucket jobs per silo: "
            + $"{string.Join(", ", outcome.JobSilos.GroupBy(Endpoint).Select(g => $"{g.Key} x{g.Count()}"))}";

    /// <summary><c>S127.0.0.1:11112:154624540</c> (address, port, generation of the silo) reads as <c>127.0.0.1:11112</c>.</summary>
    private static string Endpoint(string silo)
    {
        var parts = silo.TrimStart('S').Split(':');
        return parts.Length >= 2 ? $"{parts[0]}:{parts[1]}" : silo;
    }

}
