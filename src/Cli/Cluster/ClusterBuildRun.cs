using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using Spectre.Console;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>A rebuild through the cluster: wall time seen by the tool, the index grain's own time, and where the bucket jobs ran.</summary>
internal sealed record ClusterBuildOutcome(IndexStatus Status, double Seconds, double GrainSeconds, string[] JobSilos);

/// <summary>What to build: from a file the silos read, from an object in the cluster's file store (<see cref="SourceObject"/>), or
/// (neither) from the index's own data.</summary>
internal sealed record ClusterBuildSettings(
    string? SourcePath,
    int? RawDimensions,
    int Clusters,
    int Seed,
    VectorStorage Storage,
    bool AcceptDataLoss = false,
    string? SourceObject = null,
    int? Shards = null);

/// <summary>
/// Builds an index in the cluster from a file the silos read (<see cref="HyperdOrleans.Client.HyperdClient.BuildAsync"/>),
/// showing the partition pass and each bucket job from <see cref="HyperdOrleans.Client.HyperdClient.StatusAsync"/> polls.
/// </summary>
internal static class ClusterBuildRun
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly string[] BucketSteps = ["train", "assign", "write"];

    /// <summary>
    /// The source as the silos will see it: an absolute path, checked here when this machine can read it (always for
    /// an embedded silo), so a bad file fails in one clear line before any silo starts. Null: not on this machine.
    /// </summary>
    public static VectorFile? CheckSource(ClusterChoice choice, string sourcePath, int? rawDimensions)
    {
        string path = Path.GetFullPath(sourcePath);
        return choice.EmbeddedData is not null || File.Exists(path) ? VectorFile.Open(path, rawDimensions) : null;
    }

    public static async Task<ClusterBuildOutcome> BuildAsync(
        CliContext context,
        ClusterSession session,
        ClusterBuildSettings settings,
        CancellationToken cancellationToken)
    {
        string? path = settings.SourcePath is { } source ? Path.GetFullPath(source) : null;
        string layout = $"{new IndexBuildOptions { Clusters = settings.Clusters }.DescribeClusters()}, {StorageText(settings.Storage)}, "
            + $"seed {settings.Seed}";
        if (settings.SourceObject is { } stored)
        {
            context.Ui.WriteLine($"building index '{session.Name}' in the cluster from {stored} in its file store (the silo of the index copies "
                + $"it), {layout}");
        }
        else if (path is null)
        {
            context.Ui.WriteLine($"rebuilding index '{session.Name}' in the cluster from its own data, {layout}"
                + (settings.AcceptDataLoss ? "; data loss accepted: what the store lost is dropped" : ""));
        }
        else if (CheckSource(session.Choice, path, settings.RawDimensions) is { } file)
        {
            context.Ui.WriteLine($"building index '{session.Name}' in the cluster from {path}: {file.Count:N0} x {file.Dimensions} ({file.Format}), "
                + layout);
        }
        else
        {
            context.Ui.WriteLine($"building index '{session.Name}' in the cluster from {path} (not on this machine: the index grain's silo must "
                + $"read it)");
        }

        var clock = Stopwatch.StartNew();
        IndexStatus started;
        try
        {
            started = await session.Client.BuildAsync(
                session.Name,
                new BuildRequest(
                    path,
                    settings.RawDimensions,
                    settings.Clusters,
                    settings.Seed,
                    Storage: (IndexStorage)settings.Storage,
                    AcceptDataLoss: settings.AcceptDataLoss,
                    SourceObject: settings.SourceObject,
                    Shards: settings.Shards),
                wait: false,
                cancellationToken: cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message);
        }

        long generation = started.Rebuild?.Generation ?? started.LastRebuild?.Generation ?? started.Generation;
        // The display waits on its own thread, not on one of the pool's, which the embedded silo needs.
        IndexStatus final = await Task.Factory.StartNew(
            () => ProgressDisplay.Run(context, state => Follow(session, generation, state, cancellationToken).GetAwaiter().GetResult()),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        double seconds = clock.Elapsed.TotalSeconds;
        RebuildOutcome? last = final.LastRebuild;
        var outcome = new ClusterBuildOutcome(final, seconds, last?.Seconds ?? seconds, last?.JobSilos ?? []);
        ClusterStatusReport.PrintBuckets(context, final);
        context.Ui.WriteLine($"rebuild: {seconds:F1} s for {final.Count:N0} vectors ({final.Count / seconds:N0} vectors/s), generation "
            + $"{final.Generation}; "
            + $"index grain: {outcome.GrainSeconds:F1} s, bucket jobs on {outcome.JobSilos.Distinct().Count()} silo(s)");
        return outcome;
    }

    private static string StorageText(VectorStorage storage) => storage == VectorStorage.Sq8 ? "sq8 codes and float32 lists" : "float32 lists";

    private static async Task<IndexStatus> Follow(ClusterSession session, long generation, ProgressState state, CancellationToken cancellationToken)
    {
        while (true)
        {
            IndexStatus status = await session.Client.StatusAsync(session.Name, cancellationToken: cancellationToken);
            if (status.Rebuild is not { } rebuild || rebuild.Generation != generation)
            {
                break;
            }

            Show(rebuild, state);
            await Task.Delay(PollInterval, cancellationToken);
        }

        try
        {
            IndexStatus final = await session.Client.WaitForRebuildAsync(session.Name, generation, cancellationToken: cancellationToken);
            state.Set("partition", "partition", 1);
            return final;
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message);
        }
    }

    private static void Show(RebuildProgress rebuild, ProgressState state)
    {
        double partition = rebuild.Phase is "starting" or "snapshot" or "source" or "download" ? 0
            : rebuild.Phase == "partition" ? (rebuild.PartitionTotal > 0 ? (double)rebuild.PartitionDone / rebuild.PartitionTotal : 0)
            : 1;
        state.Set("partition", rebuild.Phase == "upload" ? "partition (uploading spills)" : "partition", partition);
        // Where each job runs is worth a label only when the jobs spread over several silos.
        bool spread = rebuild.Jobs.Select(j => j.Silo).Distinct().Count() > 1;
        foreach (BuildJobStatus job in rebuild.Jobs)
        {
            int step = Array.IndexOf(BucketSteps, job.Phase);
            double within = job.Total > 0 ? (double)job.Done / job.Total : 0;
            double fraction = job.State == BuildJobState.Succeeded ? 1 : step < 0 ? 0 : (step + within) / BucketSteps.Length;
            string phase = job.State == BuildJobState.Succeeded ? "done" : job.Phase;
            string name = job.Shard is { } shard ? $"bucket {job.Bucket} shard {shard}" : $"bucket {job.Bucket}";
            state.Set(name, spread ? $"{name} {phase} on {ShortSilo(job.Silo)}" : $"{name} {phase}", fraction);
        }
    }

    /// <summary>"S127.0.0.1:11111:154624462" (address, port, epoch) as "127.0.0.1:11111".</summary>
    public static string ShortSilo(string silo)
    {
        string text = silo.StartsWith('S') ? silo[1..] : silo;
        int epoch = text.LastIndexOf(':');
        return epoch > text.IndexOf(':') ? text[..epoch] : text;
    }
}
