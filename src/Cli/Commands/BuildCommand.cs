using System.CommandLine;
using HyperdOrleans.Cli.Cluster;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Work;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Grains.Security;

namespace HyperdOrleans.Cli.Commands;

/// <summary>
/// <c>hyperd build</c>: an index directory from a vector file, with progress and a timing and memory summary;
/// with <c>--cluster</c>, a rebuild of a cluster index through the client SDK, timed.
/// </summary>
internal static class BuildCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> input = CliOptions.Path(
            "--input",
            "Vectors to index: .fvecs, .npy, or raw float32 (with --dims). Ids are row numbers. With --cluster the silos read it; "
                + "without it there, the index is rebuilt from its own data.",
            required: false);
        Option<string?> fromStore = new("--from-store")
        {
            Description = "With --cluster: build from this object in the cluster's file store, under imports/ (see hyperd import upload), "
                + "which the silo running the build copies; ids are row numbers.",
            HelpName = "name",
        };
        Option<bool> acceptDataLoss = new("--accept-data-loss")
        {
            Description = "With --cluster, after the store lost acknowledged writes (hyperd status shows WRITES REFUSED and the automatic "
                + "recovery failed): rebuild from what the buckets and the readable log still hold, dropping what is gone.",
        };
        Option<int?> shards = new("--shards")
        {
            Description = "With --cluster: split every bucket into this many shards (1 to 64), each its own grain with its own replicas; "
                + "0 lets the cluster's rule choose from the index's size and the silos (the default, and what later rebuilds keep).",
        };
        Option<string> index = CliOptions.Path(
            "--index",
            "Index directory to build into (created if missing; a new generation replaces the served one atomically). With --cluster: names the "
                + "index and holds the embedded silo's data.",
            required: false);
        Option<int?> dims = CliOptions.RawDimensions();
        Option<int> clusters = CliOptions.Clusters();
        Option<int> threads = CliOptions.Threads();
        Option<int> seed = CliOptions.Seed();
        Option<string> storage = CliOptions.Storage();
        Option<string> planes = CliOptions.LshPlanes();
        ClusterOptionSet cluster = ClusterOptionSet.Create();

        var command = new Command("build", "Build an index from a vector file (in the engine, or in a cluster with --cluster).")
        {
            input, fromStore, index, dims, clusters, threads, seed, storage, planes, acceptDataLoss, shards,
        };
        cluster.AddTo(command);
        command.SetGuardedAsyncAction(context, async (parsed, cancellationToken) =>
        {
            if (cluster.Resolve(parsed, parsed.GetValue(index)) is { } choice)
            {
                if (CliOptions.ParseLshPlanes(parsed.GetValue(planes)) != LshPlanes.Principal)
                {
                    throw new CliException("--lsh-planes random is not available with --cluster: cluster builds fit principal planes.");
                }

                string? sourceObject = parsed.GetValue(fromStore) is { } stored ? ImportObjectPolicy.NameFor(stored) : null;
                if (sourceObject is not null && parsed.GetValue(input) is not null)
                {
                    throw new CliException("give --input (a file the silos read) or --from-store (an object in the cluster's file store), not both.");
                }

                if (parsed.GetValue(input) is { } source)
                {
                    ClusterBuildRun.CheckSource(choice, source, parsed.GetValue(dims));
                }

                await using ClusterSession session = await ClusterSession.ConnectAsync(context, choice, parsed.GetValue(threads), cancellationToken);
                await ClusterBuildRun.BuildAsync(
                    context,
                    session,
                    new ClusterBuildSettings(
                        parsed.GetValue(input),
                        parsed.GetValue(dims),
                        parsed.GetValue(clusters),
                        parsed.GetValue(seed),
                        CliOptions.ParseStorage(parsed.GetValue(storage)),
                        parsed.GetValue(acceptDataLoss),
                        sourceObject,
                        parsed.GetValue(shards)),
                    cancellationToken);
                return ExitCodes.Success;
            }

            if (parsed.GetValue(fromStore) is not null)
            {
                throw new CliException("--from-store builds in a cluster (--cluster): an engine build reads --input from this machine.");
            }

            if (parsed.GetValue(shards) is not null)
            {
                throw new CliException("--shards applies to a cluster build (--cluster): the in-process engine serves whole buckets.");
            }

            if (parsed.GetValue(acceptDataLoss))
            {
                throw new CliException("--accept-data-loss applies to a cluster index (--cluster): an index directory has no write-ahead log.");
            }

            _ = parsed.GetValue(input) ?? throw new CliException("--input is required: the vector file to index.");
            string directory = ClusterOptionSet.RequireIndex(parsed.GetValue(index));
            VectorFile file = VectorFile.Open(Path.GetFullPath(parsed.GetValue(input)!), parsed.GetValue(dims));
            var options = new IndexBuildOptions
            {
                Clusters = parsed.GetValue(clusters),
                Threads = parsed.GetValue(threads),
                Seed = parsed.GetValue(seed),
                Storage = CliOptions.ParseStorage(parsed.GetValue(storage)),
                LshPlanes = CliOptions.ParseLshPlanes(parsed.GetValue(planes)),
            };
            IndexBuildRun.Build(context, file, directory, options, cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }
}
