namespace HyperdOrleans.Cli.Tests;

/// <summary>
/// Tiny clustered data generated and indexed once through the tool itself (generate then build), shared by the
/// tests that search and bench it. Everything lives in a temporary folder removed at the end.
/// </summary>
public sealed class TinyDataFixture : IDisposable
{
    public const int Count = 3000;
    public const int Dimensions = 16;
    public const int Queries = 40;

    public TinyDataFixture()
    {
        Folder = Directory.CreateTempSubdirectory("hyperd-cli-tests-").FullName;
        Generate = CliRun.Of(
            "generate", "--kind", "clustered", "--n", $"{Count}", "--dims", $"{Dimensions}", "--seed", "7",
            "--out", BasePath, "--queries", $"{Queries}", "--queries-out", QueriesPath).Succeeded();
        Build = CliRun.Of("build", "--input", BasePath, "--index", IndexPath, "--clusters", "8", "--threads", "2", "--seed", "7").Succeeded();
    }

    public string Folder { get; }

    public string BasePath => Path.Combine(Folder, "base.fvecs");

    public string QueriesPath => Path.Combine(Folder, "queries.fvecs");

    public string IndexPath => Path.Combine(Folder, "index");

    public CliRun Generate { get; }

    public CliRun Build { get; }

    public string PathFor(string name) => Path.Combine(Folder, name);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
