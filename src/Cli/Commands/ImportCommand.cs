using System.CommandLine;
using HyperdOrleans.Cli.Cluster;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Grains.Security;
using Spectre.Console;

namespace HyperdOrleans.Cli.Commands;

/// <summary>
/// <c>hyperd import upload</c>: puts a local vector file into the cluster's file store under <c>imports/</c>, where
/// <c>hyperd build --cluster … --from-store</c> (or <c>BuildRequest.SourceObject</c>) builds from it on whichever silo runs the build.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string> file = new("file") { Description = "The vector file to upload: .fvecs, .npy, or raw float32 (checked with --dims)." };
        Option<string?> to = new("--to")
        {
            Description = $"Object name in the store, under '{ImportObjectPolicy.Prefix}' (a bare name is put there). Default: "
                + $"{ImportObjectPolicy.Prefix}<the file's name>.",
            HelpName = "name",
        };
        Option<string?> container = new("--container")
        {
            Description = $"With --cluster azure: the cluster's blob container (default: env Hyperd__Azure__Container, else "
                + $"'{ClusterStore.DefaultContainer}', as the silos choose it).",
            HelpName = "name",
        };
        Option<int?> dims = CliOptions.RawDimensions();
        ClusterOptionSet cluster = ClusterOptionSet.Create();
        var upload = new Command("upload", "Upload a vector file into the cluster's file store, for builds on any silo (--from-store).")
        {
            file, to, container, dims, cluster.Cluster, cluster.SiloData,
        };
        upload.SetGuardedAsyncAction(context, async (parsed, cancellationToken) =>
        {
            ClusterChoice choice = cluster.Resolve(parsed, index: null)
                ?? throw new CliException($"--cluster is required: the cluster whose file store takes the file ({ClusterTarget.Usage}).");
            string path = Path.GetFullPath(parsed.GetValue(file)!);

            // A bad file is refused here, in one line, rather than by the silo that later builds from it.
            VectorFile vectors = VectorFile.Open(path, parsed.GetValue(dims));
            string name = ImportObjectPolicy.NameFor(parsed.GetValue(to) ?? Path.GetFileName(path));
            ClusterStore store = ClusterStore.Open(choice, parsed.GetValue(container));
            await store.Store.UploadAsync(path, name, cancellationToken);
            context.Ui.WriteLine($"uploaded {path} ({vectors.Count:N0} x {vectors.Dimensions}, {vectors.Format}) to {name} in {store.Description}");
            context.Ui.WriteLine($"build from it: hyperd build --cluster {parsed.GetValue(cluster.Cluster) ?? "<cluster>"} --name <index> "
                + $"--from-store {name}");
            return ExitCodes.Success;
        });
        return new Command("import", "Vector files in the cluster's file store, to build from without a silo's disk.") { upload };
    }
}
