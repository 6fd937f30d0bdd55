using Azure.Data.Tables;
using Azure.Storage.Blobs;
using HyperdOrleans.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using static HyperdOrleans.Storage.Tests.AzureSiloTestHosts;

namespace HyperdOrleans.Storage.Tests;

/// <summary>Real silos, configured by <c>ConfigureAzure</c>, clustering and persisting through Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureClusterTests(AzuriteFixture azurite)
{
    private const int Probes = 20;

    [Fact]
    public async Task TwoSilos_JoinThroughTheTable_AndGrainStateAndIndexFilesOutliveTheCluster()
    {
        var clusterId = $"test-{Guid.NewGuid():N}";
        var serviceId = $"svc{Guid.NewGuid():N}";
        var conn = azurite.ConnectionString;

        // Mutual TLS as in production: every silo and the client hold a certificate of the cluster's CA.
        using var ca = new TestCertificates("cluster-test-ca");
        var silos = await Task.WhenAll(
            StartSiloAsync(Settings(conn, clusterId, serviceId, ca), "first cluster"),
            StartSiloAsync(Settings(conn, clusterId, serviceId, ca), "first cluster"));
        var client = await StartClientAsync(conn, clusterId, serviceId, "first cluster", ca);
        var grains = client.Services.GetRequiredService<IClusterClient>();

        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);
        Assert.Equal(2, await ActiveRowsAsync(conn, clusterId));

        var places = new HashSet<string>();
        for (var i = 0; i < Probes; i++)
        {
            var probe = grains.GetGrain<IProbeGrain>($"probe-{i}");
            await probe.SetAsync($"value-{i}");
            places.Add(await probe.SiloAsync());
        }
        Assert.Equal(2, places.Count);

        // An index file written through one silo's store...
        var scratch = Directory.CreateTempSubdirectory("hyperd-cluster-test-");
        var file = Path.Combine(scratch.FullName, "bucket.lists");
        await File.WriteAllBytesAsync(file, [1, 2, 3, 4, 5]);
        var store = silos[0].Services.GetRequiredService<IIndexFileStore>();
        Assert.Equal("hyperd-index", Assert.IsType<BlobIndexFileStore>(store).ContainerName);
        await store.UploadAsync(file, $"{serviceId}/gen-000001/bucket-0.lists");

        await StopAsync([client, .. silos]);
        Assert.Equal(0, await ActiveRowsAsync(conn, clusterId));

        // ...and the grain states are read back by a new silo that never saw them in memory.
        var silo = await StartSiloAsync(Settings(conn, clusterId, serviceId, ca), "restarted cluster");
        client = await StartClientAsync(conn, clusterId, serviceId, "restarted cluster", ca);
        grains = client.Services.GetRequiredService<IClusterClient>();
        for (var i = 0; i < Probes; i++)
        {
            Assert.Equal($"value-{i}", await grains.GetGrain<IProbeGrain>($"probe-{i}").GetAsync());
        }
        var copy = Path.Combine(scratch.FullName, "copy.lists");
        await silo.Services.GetRequiredService<IIndexFileStore>().DownloadAsync($"{serviceId}/gen-000001/bucket-0.lists", copy);
        Assert.Equal([1, 2, 3, 4, 5], await File.ReadAllBytesAsync(copy));

        var stateBlobs = new BlobServiceClient(conn).GetBlobContainerClient(StateContainer(serviceId)).GetBlobsAsync();
        var stateCount = 0;
        await foreach (var blob in stateBlobs)
        {
            stateCount++;
        }
        Assert.Equal(Probes, stateCount);

        await StopAsync(client, silo);
        scratch.Delete(recursive: true);
    }

    private static async Task<int> ActiveRowsAsync(string connectionString, string clusterId)
    {
        var table = new TableServiceClient(connectionString).GetTableClient("OrleansSiloInstances");
        var active = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == clusterId))
        {
            active += row.GetString("Status") == "Active" ? 1 : 0;
        }
        return active;
    }
}
