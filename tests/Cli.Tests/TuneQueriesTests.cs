using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Cli.Tests;

/// <summary><c>hyperd tune</c> on real queries (<c>--queries</c>) and, without them, with a margin above the target.</summary>
public sealed partial class TuneQueriesTests(TinyDataFixture data) : IClassFixture<TinyDataFixture>
{
    private const double Target = 0.9;

    [Fact]
    public void Tune_with_queries_reports_the_recall_of_those_queries_against_exact_search()
    {
        string json = data.PathFor("tune-queries.json");

        CliRun run = CliRun.Of(
            "tune", "--index", data.IndexPath, "--queries", data.QueriesPath, "--target-recall", $"{Target}",
            "--threads", "2", "--dry-run", "--json", json).Succeeded();

        Assert.Contains($"on {TinyDataFixture.Queries} queries from {data.QueriesPath}", run.Output);
        Match chosen = Chosen().Match(run.Output);
        Assert.True(chosen.Success, run.Output);
        var probes = new SearchParameters(
            int.Parse(chosen.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(chosen.Groups[2].Value, CultureInfo.InvariantCulture));
        double reported = double.Parse(chosen.Groups[3].Value, CultureInfo.InvariantCulture);

        float[] queries = VectorFile.Open(data.QueriesPath).ReadRows(0, TinyDataFixture.Queries);
        Neighbor[][] exact = ExactSearch.Search(VectorFile.Open(data.BasePath), queries, 10).Neighbors;
        using VectorIndex index = VectorIndex.Open(data.IndexPath);
        double measured = Recall.AtK(index.SearchBatch(queries, 10, probes, threads: 1), exact, 10);
        Assert.Equal(measured, reported, 4);
        Assert.True(reported >= Target, run.Output);

        using JsonDocument result = JsonDocument.Parse(File.ReadAllBytes(json));
        Assert.False(result.RootElement.GetProperty("fromIndex").GetBoolean());
        Assert.Equal(TinyDataFixture.Queries, result.RootElement.GetProperty("sampleSize").GetInt32());
        Assert.Equal(0, result.RootElement.GetProperty("chosen").GetProperty("margin").GetDouble());
    }

    [Fact]
    public void Tune_on_the_index_rows_needs_the_target_plus_a_measured_margin()
    {
        string json = data.PathFor("tune-margin.json");

        CliRun run = CliRun.Of(
            "tune", "--index", data.IndexPath, "--target-recall", $"{Target}", "--sample", "300", "--threads", "2",
            "--dry-run", "--json", json).Succeeded();

        Assert.Contains("margin", run.Output);
        using JsonDocument result = JsonDocument.Parse(File.ReadAllBytes(json));
        Assert.True(result.RootElement.GetProperty("fromIndex").GetBoolean());
        JsonElement chosen = result.RootElement.GetProperty("chosen");
        double margin = chosen.GetProperty("margin").GetDouble();
        Assert.True(margin > 0, run.Output);
        Assert.True(chosen.GetProperty("recall").GetDouble() - margin >= Target, run.Output);

        // Every cheaper setting measured missed the lifted target, even those whose recall alone reached it.
        double cost = chosen.GetProperty("dotsPerQuery").GetDouble();
        foreach (JsonElement point in result.RootElement.GetProperty("curve").EnumerateArray()
            .Where(p => p.GetProperty("dotsPerQuery").GetDouble() < cost))
        {
            Assert.True(point.GetProperty("recall").GetDouble() - point.GetProperty("margin").GetDouble() < Target, point.ToString());
        }
    }

    [Fact]
    public void Queries_of_other_dimensions_are_refused()
    {
        string other = data.PathFor("other-dims.fvecs");
        CliRun.Of("generate", "--kind", "clustered", "--n", "10", "--dims", "8", "--out", other).Succeeded();

        Assert.Contains(
            "holds 8-dimensional vectors, but 16 were expected",
            CliRun.Of("tune", "--index", data.IndexPath, "--queries", other, "--dry-run").FailedWithOneLine());
    }

    [GeneratedRegex(@"chosen: lshProbes=(\d) nprobe=(\d+): recall@10 ([0-9.]+)")]
    private static partial Regex Chosen();
}
