namespace HyperdOrleans.Evaluation.Measure;

/// <summary>
/// Queries answered in the first second of a fresh start against the same measure once warm. The ratio shows
/// what a short run or a freshly started silo pays for code the JIT has not optimised yet.
/// </summary>
public sealed record FirstCallSpeed(double FirstSecondQueriesPerSecond, double SteadyQueriesPerSecond, int Batch)
{
    public double Ratio => FirstSecondQueriesPerSecond / SteadyQueriesPerSecond;
}

/// <summary>
/// Measures <see cref="FirstCallSpeed"/>: one client sends batches back to back for one second from a cold start
/// (the batch that crosses the second counts, with its time), then keeps sending untimed until tiered compilation
/// has had time to replace the first code, then times one more second the same way. Call it before anything
/// else has searched in the process, or the first second is not a fresh start's.
/// </summary>
public static class FirstSecond
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>Long enough for call counting (after its start-up delay) and the background tier-1 compiles to finish.</summary>
    public static readonly TimeSpan DefaultWarmUp = TimeSpan.FromSeconds(3);

    public static async Task<FirstCallSpeed> MeasureAsync(ConcurrentLoad load, BatchSearch search, int batch, TimeSpan? warmUp = null)
    {
        LoadResult first = await load.TimedAsync(1, Window, search);
        await load.TimedAsync(1, warmUp ?? DefaultWarmUp, search);
        LoadResult steady = await load.TimedAsync(1, Window, search);
        return new FirstCallSpeed(first.QueriesPerSecond, steady.QueriesPerSecond, batch);
    }
}
