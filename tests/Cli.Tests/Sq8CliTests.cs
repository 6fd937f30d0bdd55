using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Cli.Tests;

/// <summary><c>--storage sq8</c> through the tool: build, search and bench an SQ8 index; bad values refused.</summary>
public sealed class Sq8CliTests(TinyDataFixture data) : IClassFixture<TinyDataFixture>
{
    [Fact]
    public void Build_with_storage_sq8_then_search_matches_the_engine()
    {
        const int K = 5;
        string index = data.PathFor("sq8-index");
        string results = data.PathFor("sq8-search.ivecs");

        CliRun build = CliRun.Of("build", "--input", data.BasePath, "--index", index, "--storage", "sq8", "--threads", "2").Succeeded();
        CliRun search = CliRun.Of(
            "search", "--index", index, "--queries", data.QueriesPath, "--k", $"{K}", "--lsh-probes", "2", "--nprobe",
            "2", "--rerank", "3", "--threads", "2", "--latency-queries", "0", "--out", results).Succeeded();

        Assert.Contains("storage sq8", build.Output);
        Assert.Contains("storage sq8", search.Output);
        Assert.Contains("rerank 3", search.Output);
        using VectorIndex opened = VectorIndex.Open(index);
        Assert.True(opened.IsQuantized);
        Assert.All(opened.Manifest.Buckets.Where(b => b.Count > 0), b => Assert.True(File.Exists(Path.Combine(index, b.CodesFile!))));
        Neighbor[][] expected = opened.SearchBatch(
            VectorFile.Open(data.QueriesPath).ReadRows(0, TinyDataFixture.Queries),
            K,
            new SearchParameters(2, 2, 3),
            threads: 1);
        Assert.Equal(expected.Select(e => e.Select(n => (int)n.Id)), IvecsReader.ReadAll(results));
    }

    [Theory]
    [InlineData("build")]
    [InlineData("bench")]
    public void A_bad_storage_value_is_refused(string command)
    {
        string[] args = command == "build"
            ? ["build", "--input", data.BasePath, "--index", data.PathFor("bad-storage"), "--storage", "int4"]
            : ["bench", "--input", data.BasePath, "--queries", data.QueriesPath, "--index", data.PathFor("bad-storage"), "--storage", "int4"];

        CliRun run = CliRun.Of(args);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("int4", run.Error);
        Assert.Contains("sq8", run.Error);
        Assert.False(ManifestStore.Exists(data.PathFor("bad-storage")));
    }

    [Fact]
    public void Bench_with_storage_sq8_reports_bytes_scanned_and_refuses_a_float32_index()
    {
        string index = data.PathFor("sq8-bench-index");
        string[] args = [
            "bench", "--input", data.BasePath, "--queries", data.QueriesPath, "--index", index, "--storage", "sq8",
            "--k", "5", "--latency-queries", "5", "--threads", "2"];

        CliRun run = CliRun.Of(args).Succeeded();
        string error = CliRun.Of(
            "bench", "--input", data.BasePath, "--queries", data.QueriesPath, "--index", data.IndexPath, "--storage",
            "sq8", "--k", "5").FailedWithOneLine();

        Assert.Contains("scanned/query", run.Output);
        Assert.Contains("8-bit codes", run.Output);
        Assert.Contains("index size", run.Output);
        Assert.Contains("stored as f32", error);
        Assert.Contains("--rebuild", error);
    }

    /// <summary>An SQ8 build through the cluster writes the codes, and cluster search with --rerank answers as the engine does
    /// on those files.</summary>
    [Fact]
    public void Cluster_build_with_storage_sq8_then_search_with_rerank_matches_the_engine()
    {
        string index = data.PathFor("sq8-cluster");
        string store = Path.Combine(index, "cluster", "store", "sq8-cluster");
        string clusterResults = data.PathFor("sq8-cluster.ivecs");
        string engineResults = data.PathFor("sq8-cluster-engine.ivecs");
        string[] probes = ["--queries", data.QueriesPath, "--k", "5", "--lsh-probes", "3", "--nprobe", "2", "--rerank", "1"];

        CliRun build = CliRun.Of(
            "build", "--cluster", "embedded", "--input", data.BasePath, "--index", index, "--clusters", "8",
            "--storage", "sq8", "--threads", "2").Succeeded();
        CliRun.Of(["search", "--cluster", "embedded", "--index", index, "--out", clusterResults, .. probes]).Succeeded();
        CliRun.Of(["search", "--index", store, "--latency-queries", "0", "--out", engineResults, .. probes]).Succeeded();

        Assert.Contains("sq8 codes", build.Output);
        using (VectorIndex copy = VectorIndex.Open(store))
        {
            Assert.True(copy.IsQuantized);
        }

        Assert.Equal(IvecsReader.ReadAll(engineResults), IvecsReader.ReadAll(clusterResults));
    }
}
