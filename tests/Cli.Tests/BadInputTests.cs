using HyperdOrleans.Cli.Work;
using HyperdOrleans.Engine;

namespace HyperdOrleans.Cli.Tests;

/// <summary>Bad input ends with a non-zero exit and one line on stderr that names the problem.</summary>
public sealed class BadInputTests(TinyDataFixture data) : IClassFixture<TinyDataFixture>
{
    [Fact]
    public void A_missing_input_file_is_named()
    {
        string missing = data.PathFor("missing.fvecs");

        string error = CliRun.Of("build", "--input", missing, "--index", data.PathFor("never")).FailedWithOneLine();

        Assert.Contains(missing, error);
        Assert.False(Directory.Exists(data.PathFor("never")));
    }

    [Fact]
    public void An_engine_build_needs_an_input()
    {
        string error = CliRun.Of("build", "--index", data.PathFor("never")).FailedWithOneLine();

        Assert.Contains("--input is required", error);
    }

    [Fact]
    public void Accepting_data_loss_is_refused_outside_a_cluster()
    {
        string error = CliRun.Of("build", "--input", data.BasePath, "--index", data.PathFor("never"), "--accept-data-loss").FailedWithOneLine();

        Assert.Contains("--accept-data-loss applies to a cluster index", error);
        Assert.False(Directory.Exists(data.PathFor("never")));
    }

    [Fact]
    public void Queries_of_the_wrong_dimensions_are_refused()
    {
        string queries = data.PathFor("wrong-dims.fvecs");
        CliRun.Of("generate", "--kind", "uniform", "--n", "5", "--dims", "9", "--out", queries).Succeeded();

        string error = CliRun.Of("search", "--index", data.IndexPath, "--queries", queries, "--out", data.PathFor("r.ivecs")).FailedWithOneLine();

        Assert.Contains("9-dimensional", error);
        Assert.Contains($"{TinyDataFixture.Dimensions} were expected", error);
    }

    [Theory]
    [InlineData("--k", "0", "--k must be at least 1")]
    [InlineData("--k", "ten", "Cannot parse argument 'ten'")]
    [InlineData("--lsh-probes", "9", "--lsh-probes must be between 1 and 8")]
    [InlineData("--nprobe", "0", "--nprobe must be at least 1")]
    public void Out_of_range_search_settings_are_refused(string option, string value, string message)
    {
        string error = CliRun.Of(
            "search", "--index", data.IndexPath, "--queries", data.QueriesPath, option, value, "--out",
            data.PathFor("r.ivecs")).FailedWithOneLine();

        Assert.Contains(message, error);
    }

    [Fact]
    public void K_beyond_the_index_size_is_refused()
    {
        string error = CliRun.Of(
            "search", "--index", data.IndexPath, "--queries", data.QueriesPath, "--k", "5000", "--out",
            data.PathFor("r.ivecs")).FailedWithOneLine();

        Assert.Contains("k must be between 1 and", error);
    }

    [Fact]
    public void A_directory_without_an_index_is_named()
    {
        string error = CliRun.Of(
            "search",
            "--index",
            data.PathFor("no-index"),
            "--queries",
            data.QueriesPath,
            "--out",
            data.PathFor("r.ivecs")).FailedWithOneLine();

        Assert.Contains("no built index", error);
    }

    [Fact]
    public void A_raw_file_needs_its_dimensions()
    {
        string raw = data.PathFor("raw.f32");
        CliRun.Of("generate", "--kind", "uniform", "--n", "5", "--dims", "4", "--out", raw).Succeeded();

        string error = CliRun.Of("build", "--input", raw, "--index", data.PathFor("raw-index")).FailedWithOneLine();

        Assert.Contains("--dims", error);
    }

    [Fact]
    public void Bench_needs_exactly_one_data_source()
    {
        string error = CliRun.Of("bench", "--index", data.IndexPath).FailedWithOneLine();

        Assert.Contains("either --input", error);
    }

    [Fact]
    public void Bench_refuses_an_index_built_from_another_file()
    {
        string error = CliRun.Of("bench", "--input", data.QueriesPath, "--queries", data.QueriesPath, "--index", data.IndexPath).FailedWithOneLine();

        Assert.Contains("--rebuild", error);
    }

    [Fact]
    public void Ids_beyond_int32_are_refused_before_anything_is_written()
    {
        string path = data.PathFor("big-ids.ivecs");
        Neighbor[][] results = [[new Neighbor(1, 1f)], [new Neighbor((long)int.MaxValue + 1, 0.5f)]];

        CliException error = Assert.Throws<CliException>(() => ResultsFile.Write(path, results));

        Assert.Contains("2147483648", error.Message);
        Assert.False(File.Exists(path));
    }
}
