using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Cli.Tests;

/// <summary><c>hyperd search</c> only searches unless asked to measure: its answers, and what it prints.</summary>
public sealed class SearchCommandTests(TinyDataFixture data) : IClassFixture<TinyDataFixture>
{
    private const int K = 5;

    [Fact]
    public void Default_search_writes_the_exact_answers_when_every_cluster_is_probed_and_prints_no_timing()
    {
        string results = data.PathFor("exhaustive.ivecs");

        // 8 LSH probes and more clusters per bucket than any bucket has: the index scans every row.
        CliRun run = CliRun.Of(
            "search", "--index", data.IndexPath, "--queries", data.QueriesPath, "--k", $"{K}", "--lsh-probes", "8",
            "--nprobe", "1000", "--threads", "2", "--out", results).Succeeded();

        Neighbor[][] exact = ExactSearch.Search(
            VectorFile.Open(data.BasePath),
            VectorFile.Open(data.QueriesPath).ReadRows(0, TinyDataFixture.Queries),
            K).Neighbors;
        Assert.Equal(exact.Select(e => e.Select(n => (int)n.Id)), IvecsReader.ReadAll(results));
        Assert.Contains($"wrote {TinyDataFixture.Queries} rows of {K} ids", run.Output);
        foreach (string timing in new[] { "queries/s", "latency", "p50", "p99", "first pass" })
        {
            Assert.DoesNotContain(timing, run.Output);
        }
    }

    [Fact]
    public void Timing_prints_warmed_throughput_the_first_pass_and_latency_percentiles()
    {
        CliRun run = CliRun.Of(
            "search", "--index", data.IndexPath, "--queries", data.QueriesPath, "--k", $"{K}", "--threads", "2",
            "--timing", "--latency-queries", "10", "--out", data.PathFor("timed.ivecs")).Succeeded();

        Assert.Matches(
            @"throughput: [\d,]+ queries/s \(all 40 queries as one batch on 2 threads: .*median of \d+ runs after a warm-up\)",
            run.Output);
        Assert.Matches(@"first pass: [\d,]+ queries/s", run.Output);
        Assert.Matches(@"latency: p50 .*, p99 .* \(each of the first 10 queries sent alone", run.Output);
    }
}
