using HyperdOrleans.Engine;

namespace HyperdOrleans.Evaluation.Measure;

/// <summary>A timed batch: its answers, and the median time of the whole batch over <paramref name="Runs"/> runs.</summary>
public sealed record Throughput(Neighbor[][] Results, double Seconds, int Threads, int Runs)
{
    public double QueriesPerSecond => Results.Length / Seconds;
}
