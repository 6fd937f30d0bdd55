using System.Globalization;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Cli.Tests;

/// <summary>generate → build → search → bench through the tool's entry point, checked against the engine.</summary>
public sealed class PipelineTests(TinyDataFixture data) : IClassFixture<TinyDataFixture>
{
    [Fact]
    public void Generate_writes_base_and_queries_of_the_requested_shape()
    {
        VectorFile baseFile = VectorFile.Open(data.BasePath);
        VectorFile queries = VectorFile.Open(data.QueriesPath);

        Assert.Equal((TinyDataFixture.Count, TinyDataFixture.Dimensions), (baseFile.Count, baseFile.Dimensions));
        Assert.Equal((TinyDataFixture.Queries, TinyDataFixture.Dimensions), (queries.Count, queries.Dimensions));
        Assert.NotEqual(baseFile.ReadRows(0, 1), queries.ReadRows(0, 1));
    }

    [Fact]
    public void Build_writes_an_index_and_reports_time_and_both_memory_peaks()
    {
        using VectorIndex index = VectorIndex.Open(data.IndexPath);

        Assert.Equal(TinyDataFixture.Count, index.Count);
        Assert.Contains("build: ", data.Build.Output);
        Assert.Contains("RssAnon", data.Build.Output);
        Assert.Contains("VmHWM", data.Build.Output);
    }

    [Fact]
    public void Search_writes_k_ids_per_query_matching_the_index()
    {
        const int K = 5;
        string results = data.PathFor("search.ivecs");

        CliRun run = CliRun.Of(
            "search", "--index", data.IndexPath, "--queries", data.QueriesPath, "--k", $"{K}", "--lsh-probes", "2",
            "--nprobe", "2", "--threads", "2", "--timing", "--latency-queries", "10", "--out", results).Succeeded();

        int[][] rows = IvecsReader.ReadAll(results);
        using VectorIndex index = VectorIndex.Open(data.IndexPath);
        Neighbor[][] expected = index.SearchBatch(
            VectorFile.Open(data.QueriesPath).ReadRows(0, TinyDataFixture.Queries),
            K,
            new SearchParameters(2, 2),
            threads: 1);
        Assert.Equal(TinyDataFixture.Queries, rows.Length);
        Assert.All(rows, row => Assert.Equal(K, row.Length));
        Assert.Equal(expected.Select(e => e.Select(n => (int)n.Id)), rows);
        Assert.Contains("queries/s", run.Output);
        Assert.Contains("p99", run.Output);
    }

    [Fact]
    public void Bench_on_given_files_reports_recall_speed_latency_and_first_second()
    {
        CliRun run = CliRun.Of(
            "bench", "--input", data.BasePath, "--queries", data.QueriesPath, "--index", data.IndexPath, "--k", "5",
            "--latency-queries", "10").Succeeded();

        Assert.Contains("index: reusing", run.Output);
        foreach (string measure in new[] { "recall@5", "speed-up", "exact", "latency p99", "first second" })
        {
            Assert.Contains(measure, run.Output);
        }

        // The quick start prints no course score: it is the benchmark report's, not the front door's.
        Assert.DoesNotContain("course score", run.Output);

        // Default probes cover most of so small an index: recall must be high.
        Assert.True(ValueOf(run.Output, "recall@5") > 0.8, run.Output);
    }

    [Fact]
    public void Bench_generates_its_data_builds_a_missing_index_and_reuses_both_next_time()
    {
        string cache = data.PathFor("cache");
        string index = data.PathFor("bench-index");
        string[] args = [
            "bench", "--generate", "clustered", "--n", "2000", "--dims", "8", "--query-count", "20", "--data-dir",
            cache, "--index", index, "--clusters", "4", "--latency-queries", "5"];

        CliRun first = CliRun.Of(args).Succeeded();
        CliRun second = CliRun.Of(args).Succeeded();

        Assert.Equal(2, Directory.GetFiles(cache, "*.fvecs").Length);
        Assert.True(ManifestStore.Exists(index));
        Assert.Contains("build peak RssAnon", first.Output);
        Assert.Contains("data: reusing", second.Output);
        Assert.Contains("index: reusing", second.Output);
    }

    /// <summary>The number in the value column of a row of the bench table.</summary>
    private static double ValueOf(string output, string measure)
    {
        string line = output.Split('\n').First(l => l.Contains(measure, StringComparison.Ordinal));
        string value = line.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[1];
        return double.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
