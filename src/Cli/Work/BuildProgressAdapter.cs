using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine.Build;

namespace HyperdOrleans.Cli.Work;

/// <summary>
/// Turns the engine's build reports into display tasks: the two passes over the input, then one task per bucket
/// whose three steps (k-means training, assignment, writing the lists) each fill a third of its bar. Training
/// reports only its start and end, so a bucket's bar stands still while it trains.
/// </summary>
internal sealed class BuildProgressAdapter(ProgressState state, CancellationToken cancellationToken) : IProgress<BuildProgress>
{
    private static readonly string[] BucketSteps = ["train", "assign", "write"];

    public void Report(BuildProgress value)
    {
        // The engine also checks the token, but only between blocks; this stops a long phase sooner.
        cancellationToken.ThrowIfCancellationRequested();
        if (value.Bucket is not int bucket)
        {
            string label = value.Phase == "sample" ? "LSH sample" : value.Phase;
            state.Set(value.Phase, label, value.Done, value.Total);
            return;
        }

        int step = Array.IndexOf(BucketSteps, value.Phase);
        double within = value.Total > 0 ? (double)value.Done / value.Total : 1;
        double fraction = step < 0 ? within : (step + within) / BucketSteps.Length;
        state.Set($"bucket {bucket}", $"bucket {bucket} {value.Phase}", fraction);
    }
}
