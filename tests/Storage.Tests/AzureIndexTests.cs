using System.Diagnostics;
using System.Net;
using Azure.Storage.Blobs;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using HyperdOrleans.Engine;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Grains.Storage;
using HyperdOrleans.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Xunit.Abstractions;
using static HyperdOrleans.Storage.Tests.AzureSiloTestHosts;

namespace HyperdOrleans.Storage.Tests;

/// <summary>
/// The real HyperdOrleans grains on two silos configured exactly as <c>src/Silo</c> configures them
/// (<see cref="SiloConfiguration.Configure"/> with an Azure connection string): Azure Table clustering, Azure blob
/// grain state and <see cref="BlobIndexFileStore"/> cluster files, all in the test's Azurite. Each silo has its
/// own cache directory, so a silo can only serve what it fetched from the blob container.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureIndexTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Dimensions = 24;
    private const int Count = 20_000;
    private const int QueryCount = 64;
    private const int K = 10;

    [Fact]
    public async Task BuildThroughSiloA_QueryThroughSiloBOnly_EqualsTheEngineOverTheBlobFiles()
    {
        var clock = Stopwatch.StartNew();
        var conn = azurite.ConnectionString;
        var clusterId = $"idx-{Guid.NewGuid():N}";
        var serviceId = $"svc{Guid.NewGuid():N}";
        var container = $"index-{serviceId}";
        var root = Directory.CreateTempSubdirectory("hyperd-azure-index-");
        const string index = "azure-equal";
        var hosts = new List<IHost>();
        try
        {
            // One data file both silos can read (same machine): the index grain's silo reads it by path.
            var source = Path.Combine(root.FullName, "base.fvecs");
            new SyntheticData(SyntheticKind.Clustered, Dimensions, seed: 11, centers: 100).WriteFile(source, Count);
            var queries = new float[QueryCount * Dimensions];
            new SyntheticData(SyntheticKind.Clustered, Dimensions, seed: 11, SyntheticData.Stream.Queries, centers: 100).Fill(queries);

            var settingsA = SiloSettings(conn, clusterId, serviceId, container, Path.Combine(root.FullName, "silo-a"));
            var settingsB = SiloSettings(conn, clusterId, serviceId, container, Path.Combine(root.FullName, "silo-b"));
            var silos = await Task.WhenAll(StartHyperdSiloAsync(settingsA), StartHyperdSiloAsync(settingsB));
            hosts.AddRange(silos);
            Assert.All(silos, s => Assert.IsType<BlobIndexFileStore>(s.Services.GetRequiredService<IIndexFileStore>()));
            output.WriteLine($"two silos up: {clock.Elapsed.TotalSeconds:F1} s");

            var clientA = await StartGatewayClientAsync(clusterId, serviceId, Port(settingsA, "Hyperd:GatewayPort"));
            hosts.Add(clientA);
            IndexStatus built = await clientA.Services.GetRequiredService<HyperdClient>()
                .BuildAsync(index, new BuildRequest(source, Clusters: 200, Seed: 3));
            Assert.Equal(Count, built.Count);
            output.WriteLine($"built generation {built.Generation} through silo A: {clock.Elapsed.TotalSeconds:F1} s");

            // A client that knows only silo B's gateway: every call enters the cluster through B.
            var clientB = await StartGatewayClientAsync(clusterId, serviceId, Port(settingsB, "Hyperd:GatewayPort"));
            hosts.Add(clientB);
            var parameters = new SearchParameters(LshProbes: 4, NProbe: 8);
            SearchResponse actual = await clientB.Services.GetRequiredService<HyperdClient>()
                .SearchRowsAsync(index, queries, K, new SearchOptions(parameters.LshProbes, parameters.NProbe));
            output.WriteLine($"queried through silo B: {clock.Elapsed.TotalSeconds:F1} s");

            // The cluster files really live in the blob container, under the generation's folder.
            var blobs = new List<string>();
            await foreach (var blob in new BlobServiceClient(conn).GetBlobContainerClient(container).GetBlobsAsync(
                Azure.Storage.Blobs.Models.BlobTraits.None,
                Azure.Storage.Blobs.Models.BlobStates.None,
                $"{index}/",
                CancellationToken.None))
            {
                blobs.Add(blob.Name);
            }
            var generationPrefix = StoreNames.GenerationPrefix(index, built.Generation);
            Assert.Contains(StoreNames.Manifest(index), blobs);
            Assert.Contains(blobs, b => b.StartsWith(generationPrefix, StringComparison.Ordinal) && b.EndsWith(".lists", StringComparison.Ordinal));

            // The engine alone over that generation, downloaded from the blob store (not from a silo's cache).
            var engineDir = Path.Combine(root.FullName, "engine");
            var store = silos[1].Services.GetRequiredService<IIndexFileStore>();
            foreach (var name in await store.ListAsync(StoreNames.IndexPrefix(index)))
            {
                await store.DownloadAsync(name, Path.Combine(engineDir, name.Replace('/', Path.DirectorySeparatorChar)));
            }
            using var engine = VectorIndex.Open(Path.Combine(engineDir, index));
            Assert.Equal(built.Generation, engine.Generation);
            Assert.Equal(built.Generation, actual.Generation);
            Neighbor[][] expected = engine.SearchBatch(queries, K, parameters);
            Assert.Equal(QueryCount, actual.Results.Length);
            for (var q = 0; q < QueryCount; q++)
            {
                Assert.Equal(expected[q].Select(n => n.Id), actual.Results[q].Ids);
                for (var i = 0; i < expected[q].Length; i++)
                {
                    Assert.Equal(expected[q][i].Score, actual.Results[q].Scores[i], 5);
                }
            }
            Assert.Equal(K, actual.Results[0].Count);
            output.WriteLine($"{blobs.Count} blobs; done in {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            // Clients first, then silos, so no client is left retrying a gateway that is going away.
            await StopAsync([.. Enumerable.Reverse(hosts)]);
            await new BlobServiceClient(conn).GetBlobContainerClient(container).DeleteIfExistsAsync();
            root.Delete(recursive: true);
        }
    }

    /// <summary>What an operator would set for one silo of the cluster, plus this silo's own cache and scratch folders.</summary>
    private static Dictionary<string, string?> SiloSettings(string conn, string clusterId, string serviceId, string container, string folder)
    {
        var settings = Settings(conn, clusterId, serviceId);
        settings["Hyperd:Azure:Container"] = container;
        settings["Hyperd:CacheDirectory"] = Path.Combine(folder, "cache");
        settings["Hyperd:WorkDirectory"] = Path.Combine(folder, "work");

        // The test's data file sits beside the silos' folders: the one directory they may build from.
        settings["Hyperd:ImportRoots:0"] = Path.GetDirectoryName(folder);
        settings["Hyperd:RebuildPendingThreshold"] = "0";
        settings["Hyperd:JobPollInterval"] = "00:00:00.050";
        return settings;
    }

    private static int Port(Dictionary<string, string?> settings, string key)
        => int.Parse(settings[key]!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A silo host configured by the silo program's own <see cref="SiloConfiguration.Configure"/>.</summary>
    private static async Task<IHost> StartHyperdSiloAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => SiloConfiguration.Configure(silo, builder.Configuration));
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        return host;
    }

    /// <summary>A client with one static gateway (no membership table), and a <see cref="HyperdClient"/> over it.</summary>
    private static async Task<IHost> StartGatewayClientAsync(string clusterId, string serviceId, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort));
        });
        builder.Services.AddSingleton(sp => new HyperdClient(sp.GetRequiredService<IClusterClient>()));
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        return host;
    }
}
