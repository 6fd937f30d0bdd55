using Azure.Storage.Blobs;
using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>
/// The cluster's file store, reached with the storage access this tool has, not through a silo: the blob container of an Azure
/// cluster (<c>Hyperd__Azure__Container</c>, as its silos read it, default <see cref="DefaultContainer"/>), or the store folder
/// under an embedded silo's data directory (which is also where a silo started with <c>src/Silo</c> on that data directory keeps it).
/// </summary>
internal sealed record ClusterStore(IIndexFileStore Store, string Description)
{
    public const string ContainerKey = "Hyperd:Azure:Container";

    /// <summary>The silos' default (<c>HyperdSiloSettings</c>).</summary>
    public const string DefaultContainer = "hyperd-index";

    public static ClusterStore Open(ClusterChoice choice, string? container)
    {
        switch (choice.Target.Kind)
        {
            case ClusterKind.Embedded:
                string folder = EmbeddedSiloFolders.Under(choice.EmbeddedData!).Store;
                return new ClusterStore(new LocalDirectoryFileStore(folder), $"the local file store {folder}");
            case ClusterKind.Azure:
                string? configured = ClusterTarget.Environment()[ContainerKey];
                string name = container ?? (string.IsNullOrWhiteSpace(configured) ? DefaultContainer : configured);
                var blobs = new BlobServiceClient(choice.Target.ConnectionString);
                return new ClusterStore(new BlobIndexFileStore(blobs, name), $"blob container '{name}' of {blobs.AccountName}");
            default:
                throw new CliException("a localhost silo's file store is a folder of its data directory, which the gateway does not tell: "
                    + "use --cluster embedded --silo-data <that silo's data directory> (no silo is started to upload), or --cluster azure.");
        }
    }
}
