using System.CommandLine;
using HyperdOrleans.Cli.Cluster;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine.Storage;
using Spectre.Console;

namespace HyperdOrleans.Cli.Commands;

/// <summary>
/// <c>hyperd status</c>: a cluster index's generation, counts, pending appends and deletes, and a running
/// rebuild's progress per bucket; without <c>--cluster</c>, what an index directory's manifest says.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> index = CliOptions.Path(
            "--index",
            "Index directory. With --cluster: names the index and holds the embedded silo's data.",
            required: false);
        ClusterOptionSet cluster = ClusterOptionSet.Create();
        var command = new Command("status", "Show an index: generation, vectors, pending appends and deletes, rebuild progress.") { index };
        cluster.AddTo(command);
        command.SetGuardedAsyncAction(context, async (parsed, cancellationToken) =>
        {
            if (cluster.Resolve(parsed, parsed.GetValue(index)) is { } choice)
            {
                await using ClusterSession session = await ClusterSession.ConnectAsync(context, choice, buildThreads: 0, cancellationToken);
                ClusterStatusReport.Print(context, await session.Client.StatusAsync(session.Name, cancellationToken: cancellationToken));
                return ExitCodes.Success;
            }

            string directory = ClusterOptionSet.RequireIndex(parsed.GetValue(index));
            if (!ManifestStore.Exists(directory))
            {
                throw new CliException($"'{directory}' holds no built index (no {ManifestStore.FileName}).");
            }

            IndexManifest manifest = ManifestStore.Read(directory);
            context.Ui.WriteLine($"index {Path.GetFullPath(directory)}: generation {manifest.Generation}, {manifest.Count:N0} vectors x "
                + $"{manifest.Dimensions}, built from {manifest.Build.Source} in {manifest.Build.Seconds:F1} s");
            context.Ui.WriteLine("engine index: no pending data and no background rebuild (a build writes a whole new generation)");
            return ExitCodes.Success;
        });
        return command;
    }
}
