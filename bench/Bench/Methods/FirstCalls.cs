using HyperdOrleans.Evaluation.Measure;

namespace HyperdOrleans.Bench.Methods;

/// <summary>
/// First-second speed in the report. Only the first method that searches in this process meets code the JIT has
/// not compiled yet; later ones find the shared kernels compiled, so each result says whether its process was fresh.
/// Thread-safe.
/// </summary>
internal static class FirstCalls
{
    /// <summary>Queries per request while the first second is measured.</summary>
    public const int Batch = 100;

    private static int _searched;

    /// <summary>True for the first caller only: nothing has searched in this process before it.</summary>
    public static bool TakeFresh() => Interlocked.Exchange(ref _searched, 1) == 0;

    public static void Record(DatasetResult result, string method, FirstCallSpeed speed, bool fresh, TextWriter log)
    {
        result.FirstCalls.Add(new FirstCallResult(method, speed.FirstSecondQueriesPerSecond, speed.SteadyQueriesPerSecond, speed.Batch, fresh));
        log.WriteLine($"  {method}: first second {speed.FirstSecondQueriesPerSecond:F0} q/s, {speed.Ratio:P0} of steady "
            + $"{speed.SteadyQueriesPerSecond:F0} q/s ({(fresh ? "fresh process" : "code already compiled by an earlier method")})");
    }
}
