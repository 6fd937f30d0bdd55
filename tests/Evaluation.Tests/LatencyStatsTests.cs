using HyperdOrleans.Evaluation.Measure;

namespace HyperdOrleans.Evaluation.Tests;

/// <summary>The one percentile rule (nearest rank) that the CLI and the report both print.</summary>
public sealed class LatencyStatsTests
{
    [Fact]
    public void NearestRankOfAHundredValues()
    {
        LatencyStats stats = LatencyStats.Of(Enumerable.Range(1, 100).Select(i => (double)i).Reverse());

        Assert.Equal(100, stats.Count);
        Assert.Equal(50, stats.P50);
        Assert.Equal(99, stats.P99);
        Assert.Equal(50.5, stats.Mean);
    }

    [Fact]
    public void OneValueIsEveryPercentileAndNoneIsNaN()
    {
        Assert.Equal(7, LatencyStats.Of([7.0]).P99);
        Assert.True(double.IsNaN(LatencyStats.Of([]).P50));
    }
}
