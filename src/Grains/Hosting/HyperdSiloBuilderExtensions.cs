using HyperdOrleans.Grains.Build;
using HyperdOrleans.Grains.Placement;
using HyperdOrleans.Grains.Security;
using HyperdOrleans.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace HyperdOrleans.Grains.Hosting;

/// <summary>Registers what the HyperdOrleans grains need in a silo. The host also registers an <see
/// cref="IIndexFileStore"/> and a grain storage named <see cref="HyperdStorage.Name"/>.</summary>
public static class HyperdSiloBuilderExtensions
{
    public static ISiloBuilder AddHyperd(this ISiloBuilder silo, Action<HyperdOptions>? configure = null)
    {
        OptionsBuilder<HyperdOptions> options = silo.Services.AddOptions<HyperdOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        silo.Services.AddSingleton<IValidateOptions<HyperdOptions>, HyperdOptionsValidator>();
        options.ValidateOnStart();
        silo.Services.AddPlacementDirector<BucketReplicaPlacement, BucketReplicaPlacementDirector>();
        silo.Services.AddSingleton<LocalFileCache>();
        silo.Services.TryAddSingleton<IBuildJobGate, OpenBuildJobGate>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloWarmUp>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ScratchSweeper>();
        silo.AddIncomingGrainCallFilter<ClientContractFilter>();
        silo.AddIncomingGrainCallFilter<ContractExceptionFilter>();
        return silo;
    }

    /// <summary>
    /// The embedded default, with no external service: one silo on localhost, grain state in files and cluster
    /// files in a directory, all under <paramref name="dataDirectory"/>, so the index survives a restart. Also what
    /// a tool uses to host a silo in its own process.
    /// </summary>
    public static ISiloBuilder UseHyperdEmbedded(
        this ISiloBuilder silo,
        string dataDirectory,
        int siloPort = 11111,
        int gatewayPort = 30000,
        string serviceId = "hyperd",
        string clusterId = "hyperd",
        Action<HyperdOptions>? configure = null)
    {
        silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: serviceId, clusterId: clusterId);
        silo.AddHyperdFileGrainStorage(Path.Combine(dataDirectory, "state"));
        silo.AddHyperdLocalFileStore(Path.Combine(dataDirectory, "store"));
        return silo.AddHyperd(o =>
        {
            o.CacheDirectory = Path.Combine(dataDirectory, "cache");
            o.WorkDirectory = Path.Combine(dataDirectory, "work");
            configure?.Invoke(o);

            // One local user owns the embedded silo (loopback only) and names its own files: unless the host
            // configured roots, it may build from any path (see docs/decisions/build-import-roots.md).
            if (o.ImportRoots.Count == 0)
            {
                o.ImportRoots.AddRange(BuildSourcePolicy.EveryPath());
            }
        });
    }

    /// <summary>Grain state of the HyperdOrleans grains in files under <paramref name="directory"/> (single-silo or shared-disk setups).</summary>
    public static ISiloBuilder AddHyperdFileGrainStorage(this ISiloBuilder silo, string directory)
    {
        silo.Services.AddKeyedSingleton<IGrainStorage>(
            HyperdStorage.Name,
            (sp, _) => new FileGrainStorage(directory, sp.GetRequiredService<Serializer>()));
        return silo;
    }

    /// <summary>
    /// Cluster files (index files and write-ahead logs) in an Azure Blob Storage container, shared by every silo: what a
    /// multi-silo cluster uses. Pair it with grain storage named <see cref="HyperdStorage.Name"/>, such as Orleans'
    /// <c>AddAzureBlobGrainStorage("hyperd", ...)</c>.
    /// </summary>
    public static ISiloBuilder AddHyperdBlobFileStore(this ISiloBuilder silo, Azure.Storage.Blobs.BlobServiceClient blobs, string container)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        silo.Services.Replace(ServiceDescriptor.Singleton<IIndexFileStore>(_ => new BlobIndexFileStore(blobs, container)));
        return silo;
    }

    /// <summary>Cluster files in a local (or shared, mounted) directory.</summary>
    public static ISiloBuilder AddHyperdLocalFileStore(this ISiloBuilder silo, string root)
    {
        silo.Services.AddSingleton<IIndexFileStore>(_ => new LocalDirectoryFileStore(root));
        return silo;
    }
}
