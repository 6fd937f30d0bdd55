using System.Diagnostics;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Measure;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Storage;
using Spectre.Console;

namespace HyperdOrleans.Cli.Work;

/// <summary>What a build took: wall time and memory, measured two ways (see <see cref="ProcStatus"/>).</summary>
internal sealed record BuildOutcome(IndexManifest Manifest, double Seconds, long? PeakRssAnon, long? PeakVmHwm, bool PeakCoversBuildOnly);

/// <summary>Builds an index with progress and memory sampling, then prints the summary. Shared by build and bench.</summary>
internal static class IndexBuildRun
{
    public static BuildOutcome Build(CliContext context, VectorFile input, string indexDirectory, IndexBuildOptions options, CancellationToken cancellationToken)
    {
        context.Ui.WriteLine($"building {indexDirectory} from {input.Path}: {input.Count:N0} x {input.Dimensions} ({input.Format}), {options.Clusters} clusters per bucket, storage {Commands.CliOptions.StorageName(options.Storage)}, {ThreadsText(options.Threads)}, seed {options.Seed}");
        var sampler = new PeakMemorySampler();
        var clock = Stopwatch.StartNew();
        IndexManifest manifest;
        try
        {
            manifest = ProgressDisplay.Run(context, state =>
                IndexBuilder.Build(new VectorFileSource(input), indexDirectory, options, new BuildProgressAdapter(state, cancellationToken), cancellationToken));
        }
        finally
        {
            sampler.Dispose();
        }

        double seconds = clock.Elapsed.TotalSeconds;
        var outcome = new BuildOutcome(manifest, seconds, sampler.PeakRssAnon, ProcStatus.VmHwm(), sampler.ResetPeakSupported);
        BuildReport.Print(context, outcome);
        return outcome;
    }

    public static string ThreadsText(int threads) => threads > 0 ? $"{threads} threads" : $"{Environment.ProcessorCount} threads (every core)";
}
