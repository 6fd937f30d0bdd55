using System.Diagnostics;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tuning;

/// <summary>
/// Finds the cheapest (lshProbes, nprobe) that reaches a recall@k target on a sample (rows of the index used as
/// held-out queries, with a margin, or real queries): "one knob instead of two". Cost is the search's own count of dot products per query
/// (<see cref="SearchStats.DotProductsPerQuery"/>), so the choice is reproducible; wall q/s is measured alongside
/// for the printout only. Thread-safe (stateless).
/// </summary>
public static class ProbeTuner
{
    /// <summary>Tunes on <see cref="TuningOptions.SampleSize"/> rows of the index held out as queries, with the margin.</summary>
    public static TuningResult Tune(
        VectorIndex index,
        TuningOptions? options = null,
        IProgress<TuningProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new TuningOptions();
        options.Validate();
        if (options.K + 1 > index.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.K,
                $"k {options.K} needs an index of more than {options.K} vectors (each query is held out of its own answer); this one has "
                    + $"{index.Count}.");
        }

        var clock = Stopwatch.StartNew();
        TuningSample sample = TuningSample.Create(
            index.Directory,
            index.Manifest,
            options.SampleSize,
            options.K,
            options.Seed,
            options.Threads,
            progress,
            cancellationToken);
        return Sweep(index, sample, options, clock.Elapsed.TotalSeconds, progress, cancellationToken);
    }

    /// <summary>Tunes on real queries (row-major): recall against their exact answers, no margin.</summary>
    public static TuningResult Tune(
        VectorIndex index,
        ReadOnlySpan<float> queries,
        TuningOptions? options = null,
        IProgress<TuningProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new TuningOptions();
        options.Validate();
        if (options.K > index.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.K, $"k {options.K} is more than the index's {index.Count} vectors.");
        }

        var clock = Stopwatch.StartNew();
        TuningSample sample = TuningSample.FromQueries(
            index.Directory,
            index.Manifest,
            queries,
            options.K,
            options.Threads,
            progress,
            cancellationToken);
        return Sweep(index, sample, options, clock.Elapsed.TotalSeconds, progress, cancellationToken);
    }

    private static TuningResult Sweep(
        VectorIndex index,
        TuningSample sample,
        TuningOptions options,
        double exactSeconds,
        IProgress<TuningProgress>? progress,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();

        int[] nprobes = NProbeGrid(index, options.NProbes);
        long total = (long)LshHasher.BucketCount * nprobes.Length;
        var curve = new List<TuningPoint>();
        Warm(index, sample, options);
        double cheapestReaching = double.PositiveInfinity;
        for (int lshProbes = 1; lshProbes <= LshHasher.BucketCount; lshProbes++)
        {
            double previous = -1;
            for (int i = 0; i < nprobes.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                TuningPoint point = Measure(index, sample, new SearchParameters(lshProbes, nprobes[i]), options);
                curve.Add(point);
                progress?.Report(new TuningProgress("sweep", ((lshProbes - 1L) * nprobes.Length) + i + 1, total));
                // Along a row the cost only grows with nprobe: once a point reaches the target, or costs more than the
                // cheapest point that did, nothing further in the row can be chosen (this keeps a 20M-row tune short).
                bool reaching = point.Reaches(options.TargetRecall);
                bool pricier = point.DotsPerQuery > cheapestReaching;
                if (reaching)
                {
                    cheapestReaching = Math.Min(cheapestReaching, point.DotsPerQuery);
                }

                if (reaching || pricier || point.Recall >= options.SaturatedRecall || point.Recall - previous < options.MinGain)
                {
                    break;
                }

                previous = point.Recall;
            }

            progress?.Report(new TuningProgress("sweep", (long)lshProbes * nprobes.Length, total));
        }

        (TuningPoint chosen, bool reached) = Choose(curve, options.TargetRecall);
        return new TuningResult(
            index.Directory,
            index.Generation,
            index.Count,
            options.TargetRecall,
            options.K,
            sample.Count,
            curve,
            chosen,
            reached,
            exactSeconds,
            clock.Elapsed.TotalSeconds,
            sample.FromIndex);
    }

    /// <summary>
    /// The cheapest point whose recall less its margin is at or above the target (ties: higher recall, then fewer
    /// probes); if none reaches it, the highest recall (ties: cheaper).
    /// </summary>
    public static (TuningPoint Chosen, bool Reached) Choose(IReadOnlyList<TuningPoint> curve, double target)
    {
        TuningPoint? cheapest = curve.Where(p => p.Reaches(target))
            .OrderBy(p => p.DotsPerQuery).ThenByDescending(p => p.Recall).ThenBy(p => p.LshProbes).ThenBy(p => p.NProbe)
            .FirstOrDefault();
        return cheapest is not null
            ? (cheapest, true)
            : (curve.OrderByDescending(p => p.Recall).ThenBy(p => p.DotsPerQuery).First(), false);
    }

    /// <summary>
    /// Recall and cost of one setting on the sample, its wall q/s (the recall search timed, all threads) and, on
    /// rows of the index, its margin: <see cref="TuningOptions.MarginZ"/> standard errors of the mean per-query recall.
    /// </summary>
    public static TuningPoint Measure(VectorIndex index, TuningSample sample, SearchParameters parameters, TuningOptions options)
    {
        var stats = new SearchStats();
        int k = options.K;
        long start = Stopwatch.GetTimestamp();
        Neighbor[][] answers = index.SearchBatch(sample.Rows, sample.FromIndex ? k + 1 : k, parameters, options.Threads, stats);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (sample.FromIndex)
        {
            answers = [.. answers.Select((a, q) => TuningSample.HoldOut(a, sample.Ids[q], k))];
        }

        double[] perQuery = [.. answers.Select((a, q) => Recall.AtK([a], [sample.Exact[q]], k))];
        double recall = perQuery.Average();
        double margin = sample.FromIndex ? options.MarginZ * StandardError(perQuery, recall) : 0;
        return new TuningPoint(
            parameters.LshProbes,
            parameters.NProbe,
            recall,
            stats.DotProductsPerQuery,
            sample.Count / Math.Max(seconds, 1e-9),
            margin);
    }

    /// <summary>The standard error of a mean: the sample standard deviation over √n (0 for one value).</summary>
    private static double StandardError(double[] values, double mean)
    {
        if (values.Length < 2)
        {
            return 0;
        }

        double squares = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(squares / (values.Length - 1) / values.Length);
    }

    /// <summary>The grid clamped to the largest bucket's clusters: beyond it every nprobe scans the same lists.</summary>
    private static int[] NProbeGrid(VectorIndex index, IReadOnlyList<int> nprobes)
    {
        int clusters = index.Manifest.Buckets.Max(b => b.Clusters);
        return [.. nprobes.Select(n => Math.Min(n, clusters)).Distinct().Order()];
    }

    /// <summary>One untimed pass, so the first timed setting does not pay for the JIT and the first page faults.</summary>
    private static void Warm(VectorIndex index, TuningSample sample, TuningOptions options) =>
        index.SearchBatch(sample.Rows, options.K, new SearchParameters(1, 1), options.Threads);
}
