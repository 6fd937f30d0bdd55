using System.Diagnostics;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Evaluation.Diagnostics;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Storage;
using Spectre.Console;

namespace HyperdOrleans.Cli.Work;

/// <summary>What a build took: wall time and memory, measured two ways (see <see cref="ProcessMemory"/>).</summary>
internal sealed record BuildOutcome(IndexManifest Manifest, double Seconds, long? PeakRssAnon, long? PeakVmHwm, bool PeakCoversBuildOnly);

/// <summary>Builds an index with progress and memory sampling, then prints the summary. Shared by build and bench.</summary>
internal static class IndexBuildRun
{
    public static BuildOutcome Build(
        CliContext context,
        VectorFile input,
        string indexDirectory,
        IndexBuildOptions options,
        CancellationToken cancellationToken)
    {
        context.Ui.WriteLine($"building {indexDirectory} from {input.Path}: {input.Count:N0} x {input.Dimensions} ({input.Format}), "
            + $"{options.DescribeClusters()}, storage {Commands.CliOptions.StorageName(options.Storage)}, {ThreadsText(options.Threads)}, seed "
            + $"{options.Seed}");
        bool peakReset = ProcessMemory.TryResetPeak();
        var sampler = new PeakMemorySampler(intervalMs: 50);
        var clock = Stopwatch.StartNew();
        IndexManifest manifest;
        try
        {
            manifest = ProgressDisplay.Run(context, state =>
                IndexBuilder.Build(
                    new VectorFileSource(input),
                    indexDirectory,
                    options,
                    new BuildProgressAdapter(state, cancellationToken),
                    cancellationToken));
        }
        finally
        {
            sampler.Dispose();
        }

        double seconds = clock.Elapsed.TotalSeconds;
        var outcome = new BuildOutcome(manifest, seconds, sampler.PeakRssAnonBytes, PeakResident(), peakReset);
        BuildReport.Print(context, outcome);
        return outcome;
    }

    private static long? PeakResident() => ProcessMemory.Read() is { IsKnown: true } now ? now.PeakResidentBytes : null;

    public static string ThreadsText(int threads) => threads > 0 ? $"{threads} threads" : $"{Environment.ProcessorCount} threads (every core)";
}
