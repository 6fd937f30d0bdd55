using HyperdOrleans.Engine;

namespace HyperdOrleans.Cli.Measure;

/// <summary>A timed batch: its answers, and how fast the whole batch went through.</summary>
internal sealed record Throughput(Neighbor[][] Results, double Seconds, int Threads)
{
    public double QueriesPerSecond => Results.Length / Seconds;
}
