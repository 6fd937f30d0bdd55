using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Storage;
using Spectre.Console;

namespace HyperdOrleans.Cli.Work;

/// <summary>The index a bench measures: reused when it was built from the same file, built when missing or asked to.</summary>
internal static class BenchIndex
{
    /// <returns>The build's outcome, or null when an existing index was reused.</returns>
    public static BuildOutcome? Ensure(CliContext context, VectorFile input, BenchSettings settings, CancellationToken cancellationToken)
    {
        var options = new IndexBuildOptions
        {
            Clusters = settings.Clusters,
            Threads = settings.Threads,
            Seed = settings.Seed,
            Storage = settings.Storage,
        };
        if (settings.Rebuild || !ManifestStore.Exists(settings.Index))
        {
            return IndexBuildRun.Build(context, input, settings.Index, options, cancellationToken);
        }

        IndexManifest manifest = ManifestStore.Read(settings.Index);

        // Recall against a different file's ground truth would be meaningless, not merely low: refuse it.
        if (manifest.Build.Source != input.Path || manifest.Count != input.Count || manifest.Dimensions != input.Dimensions)
        {
            throw new CliException($"index '{settings.Index}' holds {manifest.Count:N0} x {manifest.Dimensions} from '{manifest.Build.Source}', not "
                + $"{input.Count:N0} x {input.Dimensions} from '{input.Path}'; add --rebuild to rebuild it, or pick another --index.");
        }

        // Measuring float32 on an SQ8 index (or the reverse) would report the wrong storage's numbers.
        VectorStorage stored = manifest.Buckets.Any(b => b.CodesFile is not null) ? VectorStorage.Sq8 : VectorStorage.Float32;
        if (stored != settings.Storage)
        {
            throw new CliException($"index '{settings.Index}' is stored as {Commands.CliOptions.StorageName(stored)}, not --storage "
                + $"{Commands.CliOptions.StorageName(settings.Storage)}; add --rebuild to rebuild it, or pick another --index.");
        }

        BuildManifest built = manifest.Build;
        string note = built.RequestedClusters != options.Clusters || built.Seed != options.Seed
            ? $"; it was built with --clusters {built.RequestedClusters} --seed {built.Seed}, add --rebuild to apply yours"
            : string.Empty;
        context.Ui.WriteLine($"index: reusing {settings.Index} (generation {manifest.Generation}, built in {built.Seconds:F1} s{note})");
        return null;
    }
}
