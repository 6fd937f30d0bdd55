using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace HyperdOrleans.Silo;

/// <summary>
/// The multi-silo branch (its own file, so the Azure work merges cleanly): Azure Table clustering and Azure
/// blob grain state against one connection string. The cluster files need a store every silo reaches: the
/// Blob <c>IIndexFileStore</c> registers here; until it does, a shared directory (<c>Hyperd:FileStoreDirectory</c>) serves.
/// </summary>
public static partial class SiloConfiguration
{
    private static void ConfigureAzure(ISiloBuilder silo, HyperdSiloSettings settings, IConfiguration configuration)
    {
        string connection = settings.Azure.ConnectionString!;
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        silo.ConfigureEndpoints(IPAddress.Parse(settings.Azure.AdvertisedAddress), settings.SiloPort, settings.GatewayPort);
        silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connection));
        silo.AddAzureBlobGrainStorage(HyperdStorage.Name, o => o.BlobServiceClient = new BlobServiceClient(connection));

        string? shared = configuration[$"{HyperdOptions.Section}:FileStoreDirectory"];
        if (string.IsNullOrWhiteSpace(shared))
        {
            throw new InvalidOperationException("Azure mode needs a file store every silo reaches: the Blob store is not wired yet, so set Hyperd:FileStoreDirectory to a shared directory.");
        }

        silo.AddHyperdLocalFileStore(shared);
        silo.AddHyperd(o => configuration.GetSection(HyperdOptions.Section).Bind(o));
    }
}
