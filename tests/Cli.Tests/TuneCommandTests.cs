using System.Text.Json;
using System.Text.RegularExpressions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Cli.Tests;

/// <summary><c>hyperd tune</c> end to end on a tiny generated index: the curve, the recorded defaults, and refusals.</summary>
public sealed partial class TuneCommandTests(TinyDataFixture data) : IClassFixture<TinyDataFixture>
{
    [Fact]
    public void Tune_prints_the_curve_and_records_the_chosen_setting_as_the_defaults_search_then_uses()
    {
        string json = data.PathFor("tune.json");

        CliRun run = CliRun.Of(
            "tune", "--index", data.IndexPath, "--target-recall", "0.9", "--sample", "300", "--threads", "2", "--json",
            json).Succeeded();

        foreach (string column in new[] { "lshProbes", "nprobe", "recall@10", "dots/query", "q/s", "chosen" })
        {
            Assert.Contains(column, run.Output);
        }

        Match recorded = Recorded().Match(run.Output);
        Assert.True(recorded.Success, run.Output);
        var chosen = new SearchParameters(int.Parse(recorded.Groups[1].Value), int.Parse(recorded.Groups[2].Value));
        Assert.EndsWith($"as {data.IndexPath}'s defaults", recorded.Value);
        using (VectorIndex index = VectorIndex.Open(data.IndexPath))
        {
            Assert.Equal(chosen, index.DefaultParameters);
            Assert.Equal(0.9, index.Manifest.Tuning!.TargetRecall);
            Assert.Equal(300, index.Manifest.Tuning.SampleSize);
            Assert.True(index.Manifest.Tuning.SampleRecall >= 0.9);
        }

        using JsonDocument curve = JsonDocument.Parse(File.ReadAllBytes(json));
        JsonElement picked = curve.RootElement.GetProperty("chosen");
        Assert.Equal((chosen.LshProbes, chosen.NProbe), (picked.GetProperty("lshProbes").GetInt32(), picked.GetProperty("nProbe").GetInt32()));
        Assert.True(curve.RootElement.GetProperty("reached").GetBoolean());

        // Without probes, search answers at the tuned defaults.
        CliRun search = CliRun.Of(
            "search", "--index", data.IndexPath, "--queries", data.QueriesPath, "--latency-queries", "0", "--threads",
            "1", "--out", data.PathFor("tuned.ivecs")).Succeeded();
        Assert.Contains($"lsh-probes {chosen.LshProbes}, nprobe {chosen.NProbe}", search.Output);
    }

    [Fact]
    public void Dry_run_prints_the_choice_and_changes_nothing()
    {
        byte[] before = File.ReadAllBytes(ManifestStore.PathIn(data.IndexPath));

        CliRun run = CliRun.Of(
            "tune", "--index", data.IndexPath, "--target-recall", "0.99", "--sample", "200", "--threads", "2",
            "--dry-run").Succeeded();

        Assert.Contains("chosen", run.Output);
        Assert.Contains("dry run: ", run.Output);
        Assert.DoesNotContain("recorded lshProbes", run.Output);
        Assert.Equal(before, File.ReadAllBytes(ManifestStore.PathIn(data.IndexPath)));
    }

    [Theory]
    [InlineData("--target-recall", "1.01", "--target-recall must be more than 0 and at most 1, got 1.01")]
    [InlineData("--target-recall", "0", "--target-recall must be more than 0 and at most 1")]
    [InlineData("--sample", "0", "--sample must be at least 1")]
    [InlineData("--k", "0", "--k must be at least 1")]
    [InlineData("--k", "3000", "needs an index of more than 3000 vectors")]
    public void Bad_tuning_settings_are_refused_and_nothing_is_recorded(string option, string value, string message)
    {
        byte[] before = File.ReadAllBytes(ManifestStore.PathIn(data.IndexPath));

        CliRun run = CliRun.Of("tune", "--index", data.IndexPath, option, value);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains(message, run.FailedWithOneLine());
        Assert.Equal(before, File.ReadAllBytes(ManifestStore.PathIn(data.IndexPath)));
    }

    [Fact]
    public void Tuning_a_directory_without_an_index_names_it()
    {
        CliRun run = CliRun.Of("tune", "--index", data.PathFor("no-index"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("no built index", run.FailedWithOneLine());
    }

    [Fact]
    public void Tune_needs_an_index()
    {
        Assert.Contains("--index", CliRun.Of("tune").FailedWithOneLine());
    }

    [GeneratedRegex(@"recorded lshProbes=(\d) nprobe=(\d+) as .*")]
    private static partial Regex Recorded();
}
