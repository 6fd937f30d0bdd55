namespace HyperdOrleans.Bench.Measure;

/// <summary>Percentiles of per-query latencies.</summary>
public static class Latency
{
    public static (double P50, double P99) Percentiles(List<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        double[] sorted = [.. milliseconds.Order()];
        return (At(sorted, 0.50), At(sorted, 0.99));
    }

    private static double At(double[] sorted, double quantile) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
