using System.Globalization;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Cli.Tests;

/// <summary>
/// The tiny data built once more, through <c>hyperd build --cluster embedded</c>: a silo hosted in the tool's own
/// process, its data under the cluster index directory. Each test's run starts (and stops) its own silo there.
/// </summary>
public sealed class EmbeddedClusterFixture : IDisposable
{
    public EmbeddedClusterFixture()
    {
        Data = new TinyDataFixture();
        Build = CliRun.Of(
            "build", "--cluster", "embedded", "--input", Data.BasePath, "--index", ClusterIndex, "--clusters", "8",
            "--threads", "2", "--seed", "7").Succeeded();
    }

    public TinyDataFixture Data { get; }

    /// <summary>Names the cluster index ('cluster-index') and holds the embedded silo's data (in its 'cluster' folder).</summary>
    public string ClusterIndex => Data.PathFor("cluster-index");

    public CliRun Build { get; }

    public void Dispose() => Data.Dispose();
}

/// <summary>build → search → bench → status with <c>--cluster embedded</c>, checked against the engine path on the same data.</summary>
public sealed class ClusterModeTests(EmbeddedClusterFixture cluster) : IClassFixture<EmbeddedClusterFixture>
{
    private const int K = 5;

    private TinyDataFixture Data => cluster.Data;

    [Fact]
    public void Cluster_build_reports_the_rebuild_time_and_leaves_an_engine_copy_of_the_generation()
    {
        Assert.Contains("embedded silo", cluster.Build.Output);
        Assert.Contains("rebuild: ", cluster.Build.Output);
        Assert.Contains("generation 1", cluster.Build.Output);

        using VectorIndex copy = VectorIndex.Open(Path.Combine(cluster.ClusterIndex, "cluster", "store", "cluster-index"));
        Assert.Equal(TinyDataFixture.Count, copy.Count);
    }

    [Fact]
    public void Cluster_search_returns_the_same_ids_as_the_engine_path()
    {
        string clusterResults = Data.PathFor("cluster-search.ivecs");
        string engineResults = Data.PathFor("engine-search.ivecs");
        string[] common = ["--queries", Data.QueriesPath, "--k", $"{K}", "--lsh-probes", "2", "--nprobe", "2"];

        CliRun run = CliRun.Of([
            "search",
            "--cluster",
            "embedded",
            "--index",
            cluster.ClusterIndex,
            "--batch",
            "7",
            "--clients",
            "3",
            "--timing",
            "--out",
            clusterResults,
            .. common]).Succeeded();
        CliRun.Of(["search", "--index", Data.IndexPath, "--latency-queries", "0", "--out", engineResults, .. common]).Succeeded();

        int[][] rows = IvecsReader.ReadAll(clusterResults);
        Assert.Equal(TinyDataFixture.Queries, rows.Length);
        Assert.All(rows, row => Assert.Equal(K, row.Length));
        Assert.Equal(IvecsReader.ReadAll(engineResults), rows);
        Assert.Contains("queries/s", run.Output);
        Assert.Contains("p99", run.Output);
    }

    [Fact]
    public void Cluster_search_without_timing_sends_one_pass_and_prints_no_timing()
    {
        string results = Data.PathFor("cluster-plain.ivecs");

        CliRun run = CliRun.Of(
            "search", "--cluster", "embedded", "--index", cluster.ClusterIndex, "--queries", Data.QueriesPath, "--k",
            $"{K}", "--out", results).Succeeded();

        Assert.Equal(TinyDataFixture.Queries, IvecsReader.ReadAll(results).Length);
        Assert.DoesNotContain("queries/s", run.Output);
        Assert.DoesNotContain("p99", run.Output);
    }

    [Fact]
    public void Cluster_bench_measures_both_sides_and_matches_the_engine()
    {
        CliRun run = CliRun.Of(
            "bench", "--cluster", "embedded", "--input", Data.BasePath, "--queries", Data.QueriesPath, "--index", cluster.ClusterIndex,
            "--k", $"{K}", "--clients", "1", "2", "--batch", "10", "--rounds", "1", "--seconds", "0.2").Succeeded();

        Assert.Contains("index: reusing 'cluster-index' in the cluster", run.Output);
        Assert.Equal(1.0, ValueOf(run.Output, "same ids as engine") / 100, 6);
        Assert.Equal(ValueOf(run.Output, $"recall@{K} engine"), ValueOf(run.Output, $"recall@{K} cluster"));
        Assert.True(ValueOf(run.Output, $"recall@{K} cluster") > 0.8, run.Output);
        Assert.Contains("cluster / engine", run.Output);
        Assert.True(ValueOf(run.Output, "first second") > 0, run.Output);
        Assert.DoesNotContain("course score", run.Output);
        Assert.Equal(2, run.Output.Split('\n').Count(l => l.Contains("round 1/1", StringComparison.Ordinal)));
    }

    [Fact]
    public void Status_shows_generation_counts_pending_and_rebuilds()
    {
        CliRun run = CliRun.Of("status", "--cluster", "embedded", "--index", cluster.ClusterIndex).Succeeded();

        Assert.Contains($"generation 1, {TinyDataFixture.Count:N0} vectors x {TinyDataFixture.Dimensions}", run.Output);
        Assert.Contains("pending operations 0", run.Output);
        Assert.Contains("rebuild running: none", run.Output);
        Assert.Contains("last rebuild: generation 1 succeeded", run.Output);
    }

    [Fact]
    public void Cluster_build_without_input_rebuilds_the_index_from_its_own_data()
    {
        CliRun.Of(
            "build", "--cluster", "embedded", "--index", cluster.ClusterIndex, "--name", "own-data", "--input", Data.BasePath, "--clusters",
            "8").Succeeded();

        CliRun rebuild = CliRun.Of("build", "--cluster", "embedded", "--index", cluster.ClusterIndex, "--name", "own-data", "--clusters", "8")
            .Succeeded();

        Assert.Contains("rebuilding index 'own-data' in the cluster from its own data", rebuild.Output);
        Assert.Contains($"{TinyDataFixture.Count:N0} vectors", rebuild.Output);
        Assert.Contains("generation 2", rebuild.Output);
    }

    [Fact]
    public void Cluster_errors_come_back_as_one_line()
    {
        string unknown = CliRun.Of(
            "search", "--cluster", "embedded", "--index", cluster.ClusterIndex, "--name", "never-built", "--queries",
            Data.QueriesPath, "--out", Data.PathFor("x.ivecs")).FailedWithOneLine();
        string bigK = CliRun.Of(
            "search", "--cluster", "embedded", "--index", cluster.ClusterIndex, "--queries", Data.QueriesPath, "--k",
            "20000", "--out", Data.PathFor("x.ivecs")).FailedWithOneLine();

        Assert.Contains("'never-built' has no built generation", unknown);
        Assert.Contains("k must be between 1 and 10000", bigK);
    }

    /// <summary>The number in the value column of a row of a bench table (a percentage as its number).</summary>
    private static double ValueOf(string output, string measure)
    {
        string line = output.Split('\n').First(l => l.Contains($"│ {measure} ", StringComparison.Ordinal));
        string value = line.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[1];
        return double.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
