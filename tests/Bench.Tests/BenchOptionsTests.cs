using Xunit;

namespace HyperdOrleans.Bench.Tests;

/// <summary>The benchmark's command line: suites, overrides and refusals.</summary>
public sealed class BenchOptionsTests
{
    [Fact]
    public void SuitesSetTheirDataSetsAndOptionsOverrideThem()
    {
        BenchOptions full = BenchOptions.Parse(["--suite", "full"]);
        Assert.Equal(["uniform-1m", "uniform-5m", "uniform-20m", "clustered-1m", "clustered-20m", "glove-100"], full.Datasets);
        Assert.Equal(BenchOptions.AllMethods, full.Methods);

        BenchOptions custom = BenchOptions.Parse([
            "--suite", "full", "--datasets", "glove-100", "--methods", "engine,exact", "--threads", "1", "--clock",
            "cpu"]);
        Assert.Equal(["glove-100"], custom.Datasets);
        Assert.Equal(["engine", "exact"], custom.Methods);
        Assert.Equal(1, custom.Threads);
        Assert.Equal("cpu", custom.Clock);
        Assert.StartsWith("dotnet run --project bench/Bench -c Release -- --suite full", custom.CommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public void TheQueryBudgetShrinksQueriesForLargeSets()
    {
        BenchOptions full = BenchOptions.Parse(["--suite", "full"]);
        Assert.Equal(10_000, full.QueriesFor(1_000_000));
        Assert.Equal(2_000, full.QueriesFor(5_000_000));
        Assert.Equal(500, full.QueriesFor(20_000_000));
        Assert.Equal(10_000, BenchOptions.Parse(["--suite", "full", "--query-budget", "0"]).QueriesFor(20_000_000));
    }

    [Theory]
    [InlineData("--suite", "huge")]
    [InlineData("--methods", "annoy")]
    [InlineData("--threads", "0")]
    [InlineData("--clock", "sundial")]
    [InlineData("--frobnicate", "1")]
    public void BadOptionsAreRefusedByName(string name, string value)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => BenchOptions.Parse([name, value]));
        Assert.Contains(name == "--frobnicate" ? name : value, e.Message, StringComparison.Ordinal);
    }
}
