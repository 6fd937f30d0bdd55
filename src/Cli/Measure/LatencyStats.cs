namespace HyperdOrleans.Cli.Measure;

/// <summary>Per-query latencies of queries answered one at a time, summarised by nearest-rank percentiles.</summary>
internal sealed record LatencyStats(int Queries, double P50Seconds, double P99Seconds, double MeanSeconds)
{
    public static LatencyStats From(double[] seconds)
    {
        double[] sorted = [.. seconds.Order()];
        return new LatencyStats(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Average());
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
