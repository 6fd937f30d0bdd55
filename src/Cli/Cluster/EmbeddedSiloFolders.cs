using HyperdOrleans.Grains.Hosting;
using HyperdOrleans.Grains.Security;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>
/// Where the embedded silo this tool hosts keeps its things, under one data directory. The tool configures its silo
/// with these folders itself, so it knows where the file store is instead of guessing the silo's layout. The names
/// are the ones <see cref="HyperdSiloBuilderExtensions.UseHyperdEmbedded"/> uses, so the silo host
/// (<c>src/Silo</c>) started on the same data directory finds the same indexes.
/// </summary>
internal sealed record EmbeddedSiloFolders(string State, string Store, string Cache, string Work)
{
    public static EmbeddedSiloFolders Under(string data) =>
        new(Path.Combine(data, "state"), Path.Combine(data, "store"), Path.Combine(data, "cache"), Path.Combine(data, "work"));

    /// <summary>
    /// The engine index directory of <paramref name="index"/>: the local file store keeps each index's files under
    /// its name, as an engine index directory (see <c>LocalDirectoryFileStore</c>).
    /// </summary>
    public string EngineDirectory(string index) => Path.Combine(Store, index);

    /// <summary>One silo on loopback with file grain state and a local file store in these folders.</summary>
    public void Configure(ISiloBuilder silo, int siloPort, int gatewayPort, ClusterTarget target, int buildThreads)
    {
        silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: target.ServiceId, clusterId: target.ClusterId);
        silo.AddHyperdFileGrainStorage(State);
        silo.AddHyperdLocalFileStore(Store);
        silo.AddHyperd(o =>
        {
            o.CacheDirectory = Cache;
            o.WorkDirectory = Work;
            o.BuildThreads = buildThreads;

            // The tool's user owns this silo and names the files it builds from on the command line, anywhere.
            o.ImportRoots.AddRange(BuildSourcePolicy.EveryPath());
        });
    }
}
