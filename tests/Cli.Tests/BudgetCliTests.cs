using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Cli.Tests;

/// <summary><c>--budget</c> through the tool: one shared cluster budget by default, nprobe per bucket on request, bad values refused.</summary>
public sealed class BudgetCliTests(TinyDataFixture data) : IClassFixture<TinyDataFixture>
{
    private const int K = 5;

    [Fact]
    public void Search_spends_the_budget_the_flag_names()
    {
        using VectorIndex index = VectorIndex.Open(data.IndexPath);
        float[] queries = VectorFile.Open(data.QueriesPath).ReadRows(0, TinyDataFixture.Queries);
        int[][] Expected(ProbeBudget budget) =>
            [.. index.SearchBatch(queries, K, new SearchParameters(3, 1, Budget: budget), threads: 1)
                .Select(e => e.Select(n => (int)n.Id).ToArray())];
        int[][] shared = Expected(ProbeBudget.Shared);
        int[][] perBucket = Expected(ProbeBudget.PerBucket);

        // Otherwise the test could not tell the two apart.
        Assert.NotEqual(shared, perBucket);

        CliRun byDefault = Search("search-shared.ivecs");
        CliRun byRequest = Search("search-per-bucket.ivecs", "--budget", "per-bucket");

        Assert.Equal(shared, IvecsReader.ReadAll(data.PathFor("search-shared.ivecs")));
        Assert.Equal(perBucket, IvecsReader.ReadAll(data.PathFor("search-per-bucket.ivecs")));
        Assert.Contains("budget shared", byDefault.Output);
        Assert.Contains("budget per-bucket", byRequest.Output);
    }

    [Fact]
    public void A_bad_budget_is_refused()
    {
        CliRun run = CliRun.Of(
            "search",
            "--index",
            data.IndexPath,
            "--queries",
            data.QueriesPath,
            "--out",
            data.PathFor("bad-budget.ivecs"),
            "--budget",
            "global");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("global", run.Error);
        Assert.Contains("per-bucket", run.Error);
        Assert.False(File.Exists(data.PathFor("bad-budget.ivecs")));
    }

    private CliRun Search(string output, params string[] extra) =>
        CliRun.Of([
            "search", "--index", data.IndexPath, "--queries", data.QueriesPath, "--k", $"{K}", "--lsh-probes", "3", "--nprobe", "1",
            "--threads", "1", "--latency-queries", "0", "--out", data.PathFor(output), .. extra]).Succeeded();
}
