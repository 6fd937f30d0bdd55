using System.Text.RegularExpressions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Cli.Tests;

/// <summary>
/// <c>hyperd tune --cluster embedded</c>: measures on the generation the cluster serves and records the choice through
/// the client SDK; a later cluster search that names no probes answers as the engine does at the recorded setting.
/// Its own cluster index, so the defaults it records change no other test's index.
/// </summary>
public sealed partial class ClusterTuneTests(TinyDataFixture data) : IClassFixture<TinyDataFixture>
{
    [Fact]
    public void Cluster_tune_records_defaults_that_cluster_search_then_uses()
    {
        string index = data.PathFor("tuned-cluster");
        CliRun.Of(
            "build", "--cluster", "embedded", "--input", data.BasePath, "--index", index, "--clusters", "8",
            "--threads", "2", "--seed", "7").Succeeded();

        CliRun tune = CliRun.Of(
            "tune", "--cluster", "embedded", "--index", index, "--target-recall", "0.6", "--sample", "300",
            "--threads", "2").Succeeded();

        Match recorded = Recorded().Match(tune.Output);
        Assert.True(recorded.Success, tune.Output);
        var chosen = new SearchParameters(int.Parse(recorded.Groups[1].Value), int.Parse(recorded.Groups[2].Value));
        Assert.Contains("index 'tuned-cluster' in the", recorded.Value);
        using (VectorIndex copy = VectorIndex.Open(Path.Combine(index, "cluster", "store", "tuned-cluster")))
        {
            Assert.Equal(chosen, copy.DefaultParameters);
            Assert.Equal(300, copy.Manifest.Tuning!.SampleSize);
        }

        string clusterResults = data.PathFor("tuned-cluster.ivecs");
        string engineResults = data.PathFor("tuned-engine.ivecs");
        CliRun.Of(
            "search", "--cluster", "embedded", "--index", index, "--queries", data.QueriesPath, "--k", "5", "--out",
            clusterResults).Succeeded();
        CliRun.Of(
            "search", "--index", Path.Combine(index, "cluster", "store", "tuned-cluster"), "--queries", data.QueriesPath, "--k", "5",
            "--lsh-probes", $"{chosen.LshProbes}", "--nprobe", $"{chosen.NProbe}", "--out", engineResults).Succeeded();
        Assert.Equal(IvecsReader.ReadAll(engineResults), IvecsReader.ReadAll(clusterResults));

        // The check has teeth only if the tuned setting answers differently from the build's defaults (6 of 8 buckets, 50
        // clusters: all of them here).
        string untuned = data.PathFor("untuned-engine.ivecs");
        CliRun.Of(
            "search", "--index", Path.Combine(index, "cluster", "store", "tuned-cluster"), "--queries", data.QueriesPath, "--k", "5",
            "--lsh-probes", $"{SearchParameters.DefaultLshProbes}", "--nprobe", $"{SearchParameters.DefaultNProbe}", "--out", untuned).Succeeded();
        Assert.NotEqual(IvecsReader.ReadAll(untuned), IvecsReader.ReadAll(clusterResults));
    }

    [Fact]
    public void Cluster_tune_without_the_clusters_files_says_how_to_give_them()
    {
        string index = data.PathFor("tuned-elsewhere");
        CliRun.Of("build", "--cluster", "embedded", "--input", data.BasePath, "--index", index, "--clusters", "8", "--threads", "2").Succeeded();

        CliRun run = CliRun.Of(
            "tune",
            "--cluster",
            "embedded",
            "--index",
            index,
            "--engine-index",
            data.PathFor("no-such-folder"),
            "--sample",
            "100");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("give --engine-index", run.Output + run.Error);
    }

    /// <summary><c>bench --target-recall</c> tunes before it measures (engine and cluster), and measures at the setting it recorded.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bench_with_a_target_recall_measures_at_the_tuned_setting(bool cluster)
    {
        string index = data.PathFor(cluster ? "bench-tuned-cluster" : "bench-tuned-engine");
        string[] args = [
            "bench", "--input", data.BasePath, "--queries", data.QueriesPath, "--index", index, "--clusters", "8", "--k", "5",
            "--threads", "2", "--target-recall", "0.6", "--latency-queries", "0", "--rounds", "1", "--seconds", "0.2"];

        CliRun run = CliRun.Of(cluster ? [.. args, "--cluster", "embedded"] : args).Succeeded();

        Match recorded = Recorded().Match(run.Output);
        Assert.True(recorded.Success, run.Output);
        Assert.Contains("chosen: lshProbes=", run.Output);
        Assert.Contains($"lsh-probes {recorded.Groups[1].Value}, nprobe {recorded.Groups[2].Value}", run.Output);
        string directory = cluster ? Path.Combine(index, "cluster", "store", "bench-tuned-cluster") : index;
        using VectorIndex copy = VectorIndex.Open(directory);
        Assert.Equal(0.6, copy.Manifest.Tuning!.TargetRecall);
        if (cluster)
        {
            Assert.Contains("cluster / exact", run.Output);
        }
    }

    [Fact]
    public void Bench_refuses_a_target_recall_with_explicit_probes()
    {
        string error = CliRun.Of(
            "bench", "--generate", "clustered", "--n", "1000", "--index", data.PathFor("never"), "--target-recall",
            "0.9", "--nprobe", "3").FailedWithOneLine();

        Assert.Contains("--target-recall chooses the probes", error);
    }

    [GeneratedRegex(@"recorded lshProbes=(\d+) nprobe=(\d+) as .*")]
    private static partial Regex Recorded();
}
