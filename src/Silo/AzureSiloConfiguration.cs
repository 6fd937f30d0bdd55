using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using HyperdOrleans.Client.Tls;
using HyperdOrleans.Grains.Hosting;
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
    /// Azure blob grain storage "hyperd", <see cref="BlobIndexFileStore"/> as the <see cref="IIndexFileStore"/>, mutual TLS
    /// (<see cref="SiloTlsSettings"/>) and faster dead-silo detection.
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
            // interfaces then; a loopback-only silo stays invisible off the machine. Hyperd:ListenOnAdvertisedIP binds
            // the advertised address only (a host with several addresses, infra/netns.sh's namespaces).
            silo.ConfigureEndpoints(advertised, settings.SiloPort, settings.GatewayPort,
                listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised) && !settings.ListenOnAdvertisedAddress);
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

        silo.Configure<ClusterMembershipOptions>(settings.Dev ? ApplyDevTimeouts : ApplyProductionTimeouts);
        if (settings.Tls is { } tlsOptions)
        {
            // Loaded here, not at the first connection: a wrong path or password stops the silo at start with the key's name.
            var tls = MutualTls.Load(tlsOptions, SiloTlsSettings.Section);
            silo.UseTls(tls.Certificate, tls.Apply);
        }

        silo.AddHyperdBlobFileStore(new BlobServiceClient(settings.ConnectionString), settings.IndexContainer);
        return true;
    }

    /// <summary>
    /// Faster detection of a dead silo than Orleans' defaults (probe timeout 5 s: about 15 s before a silo that stopped
    /// answering is voted dead). Until then calls to its grains wait, so a search whose bucket was there would wait
    /// for the client's deadline; with a 2 s initial probe timeout and 3 missed probes it is suspected in about 6 s and
    /// declared dead once a second silo agrees. Orleans adapts the probe timeout to observed response times (1-8 s
    /// here), probes indirectly through another silo before voting, and extends the timeout while the prober itself is
    /// degraded, which keeps false suspicions of a busy silo rare. Votes expire after 60 s instead of 2 minutes so
    /// that stale suspicions of a silo that recovered do not add up to a death sentence later.
    /// </summary>
    public static void ApplyProductionTimeouts(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.NumMissedProbesLimit = 3;
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(60);
    }

    /// <summary>
    /// A silo killed without a goodbye keeps an Active row; with the production defaults a newcomer waits about
    /// 90 s for it to be declared dead. These values bring that to about 15 s for laptops and tests, at the price
    /// of false suspicions under heavy load, so they are for development only.
    /// </summary>
    public static void ApplyDevTimeouts(ClusterMembershipOptions o)
    {
        ApplyProductionTimeouts(o);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        o.NumMissedTableIAmAliveLimit = 2;
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
    }
}
