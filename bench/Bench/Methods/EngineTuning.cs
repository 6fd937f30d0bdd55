using System.Diagnostics;
using HyperdOrleans.Bench.Data;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Tuning;

namespace HyperdOrleans.Bench.Methods;

/// <summary>
/// Does the tuner's choice hold on real queries? Tunes the engine index (recall@10 ≥ 0.95 on 1,000 of its own rows,
/// dry run: the cached index keeps its defaults, so later runs measure the same thing) and measures the chosen
/// setting on the data set's held-out queries against their exact ground truth.
/// </summary>
internal static class EngineTuning
{
    public const double Target = 0.95;
    public const int Sample = 1000;

    public static void Run(VectorIndex index, BenchOptions options, Dataset data, DatasetResult result, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        TuningResult tuned = ProbeTuner.Tune(
            index,
            new TuningOptions { TargetRecall = Target, K = 10, SampleSize = Sample, Threads = options.Threads, Seed = DatasetCatalog.Seed });
        double seconds = clock.Elapsed.TotalSeconds;
        SearchParameters chosen = tuned.Chosen.Parameters;

        index.SearchBatch(data.Queries.AsSpan(0, Math.Min(64, data.QueryCount) * data.Dimensions), 10, chosen, options.Threads);
        clock.Restart();
        Neighbor[][] answers = index.SearchBatch(data.Queries, 10, chosen, options.Threads);
        double qps = data.QueryCount / clock.Elapsed.TotalSeconds;
        double recall = Recall.AtK(answers, data.GroundTruth, 10);

        result.Tunings.Add(new TuningSummary(
            MethodNames.Engine,
            Target,
            tuned.SampleSize,
            tuned.Reached,
            chosen.LshProbes,
            chosen.NProbe,
            tuned.Chosen.Recall,
            recall,
            tuned.Chosen.DotsPerQuery,
            qps,
            seconds));
        log.WriteLine($"  tune (target {Target}, {tuned.SampleSize} held-out rows, {tuned.Curve.Count} settings in {seconds:F1} s): "
            + $"lshProbes={chosen.LshProbes}, nprobe={chosen.NProbe}{(tuned.Reached ? "" : " (target not reached: best recall)")}; recall@10 "
            + $"{tuned.Chosen.Recall:F4} on the sample, {recall:F4} on the queries, {qps:F0} q/s");
    }
}
