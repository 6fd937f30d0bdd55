namespace HyperdOrleans.Cli.Tests;

/// <summary>Cluster-mode mistakes that are caught before any silo starts or client connects: one line each.</summary>
public sealed class ClusterBadInputTests(TinyDataFixture data) : IClassFixture<TinyDataFixture>
{
    [Fact]
    public void An_unknown_cluster_kind_is_named()
    {
        string error = CliRun.Of(
            "search", "--cluster", "nowhere", "--queries", data.QueriesPath, "--out", data.PathFor("r.ivecs")).FailedWithOneLine();

        Assert.Contains("'nowhere' is not a cluster", error);
    }

    [Fact]
    public void A_bad_gateway_port_is_named()
    {
        string error = CliRun.Of("status", "--cluster", "localhost:http").FailedWithOneLine();

        Assert.Contains("gateway port", error);
    }

    [Fact]
    public void Azure_without_a_connection_string_says_which_variable_to_set()
    {
        string[] connectionVariables = ["Hyperd__Client__AzureStorageConnectionString", "Hyperd__Azure__ConnectionString"];
        if (connectionVariables.Any(v => Environment.GetEnvironmentVariable(v) is { Length: > 0 }))
        {
            return; // configured on this machine: there is nothing missing to report
        }

        string error = CliRun.Of("status", "--cluster", "azure").FailedWithOneLine();

        Assert.Contains("Hyperd__Client__AzureStorageConnectionString", error);
    }

    [Fact]
    public void A_missing_input_file_is_named_before_a_silo_starts()
    {
        string missing = data.PathFor("missing.fvecs");
        string index = data.PathFor("never-cluster");

        string error = CliRun.Of("build", "--cluster", "embedded", "--input", missing, "--index", index).FailedWithOneLine();

        Assert.Contains(missing, error);
        Assert.False(Directory.Exists(index));
    }

    [Fact]
    public void An_invalid_index_name_is_refused()
    {
        string error = CliRun.Of("status", "--cluster", "embedded", "--name", "a/b").FailedWithOneLine();

        Assert.Contains("index name 'a/b' is not valid", error);
    }

    [Fact]
    public void Engine_mode_still_needs_an_index_directory()
    {
        string error = CliRun.Of("search", "--queries", data.QueriesPath, "--out", data.PathFor("r.ivecs")).FailedWithOneLine();

        Assert.Contains("--index is required", error);
    }
}
