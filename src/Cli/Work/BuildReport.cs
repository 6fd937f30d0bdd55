using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine.Storage;
using Spectre.Console;

namespace HyperdOrleans.Cli.Work;

/// <summary>Prints a build's timing, its buckets, and its peak memory with what each figure counts.</summary>
internal static class BuildReport
{
    public static void Print(CliContext context, BuildOutcome outcome)
    {
        IndexManifest manifest = outcome.Manifest;
        var buckets = new Table().Title("buckets").AddColumns("bucket", "vectors", "share", "clusters", "avg list");
        foreach (BucketManifest bucket in manifest.Buckets.OrderBy(b => b.Bucket))
        {
            buckets.AddRow(
                bucket.Bucket.ToString(Formats.Culture),
                bucket.Count.ToString("N0", Formats.Culture),
                ((double)bucket.Count / manifest.Count).ToString("P1", Formats.Culture),
                bucket.Clusters.ToString("N0", Formats.Culture),
                bucket.Clusters > 0 ? ((double)bucket.Count / bucket.Clusters).ToString("N0", Formats.Culture) : "-");
        }

        context.Ui.Write(buckets);
        context.Ui.WriteLine($"build: {outcome.Seconds:F1} s for {manifest.Count:N0} vectors ({manifest.Count / outcome.Seconds:N0} vectors/s), "
            + $"generation {manifest.Generation}");
        context.Ui.WriteLine($"peak memory: RssAnon {Formats.Bytes(outcome.PeakRssAnon)} (the process's own heap and buffers, sampled every 50 ms)");
        string scope = outcome.PeakCoversBuildOnly ? "during the build" : "since process start";
        context.Ui.WriteLine($"             VmHWM   {Formats.Bytes(outcome.PeakVmHwm)} (peak resident set {scope}, including resident pages of "
            + $"memory-mapped files)");
    }
}
