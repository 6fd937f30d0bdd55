using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using HyperdOrleans.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace HyperdOrleans.Silo;

/// <summary>Turns a silo into a member of an Azure Storage-backed cluster when configuration says so.</summary>
public static class AzureSiloConfiguration
{
    /// <summary>The grain storage provider name the grains persist their state with.</summary>
    public const string GrainStorageName = "hyperd";

    /// <summary>
    /// When <c>Hyperd:Azure:ConnectionString</c> is set: cluster identity, endpoints, Azure Table clustering,
    /// Azure blob grain storage "hyperd" and <see cref="BlobIndexFileStore"/> as the <see cref="IIndexFileStore"/>.
    /// Returns false and changes nothing otherwise, so the caller falls back to the embedded single silo.
    /// </summary>
    public static bool ConfigureAzure(this ISiloBuilder silo, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var settings = HyperdSiloSettings.Read(config);
        if (settings is null)
        {
            return false;
        }

        if (settings.Kubernetes)
        {
            // Cluster id, service id, silo name and the pod IP come from the pod (labels and env); only the ports are ours.
            silo.UseKubernetesHosting();
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = settings.SiloPort;
                o.GatewayPort = settings.GatewayPort;
            });
        }
        else
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            var advertised = settings.ResolveAdvertisedAddress();
            // An advertised (container or host) address must be reachable from other machines, so listen on all
            // interfaces then; a loopback-only silo stays invisible off the machine.
            silo.ConfigureEndpoints(advertised, settings.SiloPort, settings.GatewayPort,
                listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
            if (settings.SiloName is { } name)
            {
                // A stable name (silo-1, a container name) reads better in logs, the table and the dashboard than Silo_3fa2c.
                silo.Configure<SiloOptions>(o => o.SiloName = name);
            }
        }

        silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(settings.ConnectionString));
        silo.AddAzureBlobGrainStorage(GrainStorageName, o =>
        {
            o.BlobServiceClient = new BlobServiceClient(settings.ConnectionString);
            o.ContainerName = settings.StateContainer;
        });

        if (settings.Dev)
        {
            silo.Configure<ClusterMembershipOptions>(ApplyDevTimeouts);
        }

        silo.Services.Replace(ServiceDescriptor.Singleton<IIndexFileStore>(
            _ => new BlobIndexFileStore(new BlobServiceClient(settings.ConnectionString), settings.IndexContainer)));
        return true;
    }

    /// <summary>
    /// A silo killed without a goodbye keeps an Active row; with the production defaults a newcomer waits about
    /// 90 s for it to be declared dead. These values bring that to about 15 s for laptops and tests, at the price
    /// of false suspicions under heavy load, so they are for development only.
    /// </summary>
    public static void ApplyDevTimeouts(ClusterMembershipOptions o)
    {
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        o.NumMissedTableIAmAliveLimit = 2;
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
    }
}
