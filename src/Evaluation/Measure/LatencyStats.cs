namespace HyperdOrleans.Evaluation.Measure;

/// <summary>
/// Latencies summarised by nearest-rank percentiles, in the unit they were given: the one percentile rule of
/// <c>hyperd bench</c> and the benchmark report. Every figure is NaN when there were no latencies.
/// </summary>
public sealed record LatencyStats(int Count, double P50, double P99, double Mean)
{
    public static LatencyStats Of(IEnumerable<double> latencies)
    {
        double[] sorted = [.. latencies.Order()];
        return sorted.Length == 0
            ? new LatencyStats(0, double.NaN, double.NaN, double.NaN)
            : new LatencyStats(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Average());
    }

    private static double Percentile(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
