using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Cli.Tests;

/// <summary>
/// <c>hyperd import upload</c> into an embedded silo's local file store, then <c>hyperd build --cluster embedded --from-store</c>:
/// the silo builds from its store's copy, as a multi-silo cluster does from its blob container.
/// </summary>
public sealed class ImportCliTests(TinyDataFixture data) : IClassFixture<TinyDataFixture>
{
    [Fact]
    public void An_uploaded_file_builds_from_the_store_the_same_index_as_from_the_file_and_leaves_no_scratch_copy()
    {
        string silo = data.PathFor("import-silo");
        CliRun upload = CliRun.Of(
            "import", "upload", data.BasePath, "--cluster", "embedded", "--silo-data", silo, "--to", "tiny.fvecs").Succeeded();
        Assert.Contains("to imports/tiny.fvecs in the local file store", upload.Output);
        Assert.Equal(File.ReadAllBytes(data.BasePath), File.ReadAllBytes(Path.Combine(silo, "store", "imports", "tiny.fvecs")));

        CliRun build = CliRun.Of(
            "build", "--cluster", "embedded", "--silo-data", silo, "--name", "tiny", "--from-store", "imports/tiny.fvecs",
            "--clusters", "8", "--threads", "2", "--seed", "7").Succeeded();
        Assert.Contains("from imports/tiny.fvecs in its file store", build.Output);
        Assert.Contains($"{TinyDataFixture.Count:N0} vectors", build.Output);

        // Same data, same settings: the same ids as the engine's build of the file itself.
        string[] common = ["--queries", data.QueriesPath, "--k", "5", "--lsh-probes", "2", "--nprobe", "2"];
        string fromStore = data.PathFor("from-store.ivecs");
        string engine = data.PathFor("engine-for-import.ivecs");
        CliRun.Of(["search", "--cluster", "embedded", "--silo-data", silo, "--name", "tiny", "--out", fromStore, .. common]).Succeeded();
        CliRun.Of(["search", "--index", data.IndexPath, "--latency-queries", "0", "--out", engine, .. common]).Succeeded();
        Assert.Equal(IvecsReader.ReadAll(engine), IvecsReader.ReadAll(fromStore));

        string work = Path.Combine(silo, "work");
        string[] left = Directory.Exists(work) ? Directory.GetFileSystemEntries(work, "*", SearchOption.AllDirectories) : [];
        Assert.True(left.Length == 0, $"scratch left after the build: {string.Join(", ", left)}");
        Assert.True(File.Exists(Path.Combine(silo, "store", "imports", "tiny.fvecs")), "the import was deleted, though nobody asked");
    }

    [Fact]
    public void Names_outside_imports_missing_objects_and_two_sources_fail_in_one_line()
    {
        string silo = data.PathFor("import-refusals");
        string escape = CliRun.Of(
            "import", "upload", data.BasePath, "--cluster", "embedded", "--silo-data", silo, "--to", "../escape.fvecs").FailedWithOneLine();
        Assert.Contains("source object 'imports/../escape.fvecs' is not an import of this cluster", escape);
        Assert.False(File.Exists(Path.Combine(silo, "escape.fvecs")));

        string outside = CliRun.Of(
            "build", "--cluster", "embedded", "--silo-data", silo, "--name", "t", "--from-store", "imports/../t/manifest.json").FailedWithOneLine();
        Assert.Contains("is not an import of this cluster", outside);

        string missing = CliRun.Of(
            "build", "--cluster", "embedded", "--silo-data", silo, "--name", "t", "--from-store", "missing.fvecs").FailedWithOneLine();
        Assert.Contains("source object 'imports/missing.fvecs' cannot be read as a vector file: it is not in the cluster's file store", missing);

        string both = CliRun.Of(
            "build", "--cluster", "embedded", "--silo-data", silo, "--input", data.BasePath, "--from-store", "x.fvecs").FailedWithOneLine();
        Assert.Contains("not both", both);

        string noCluster = CliRun.Of("import", "upload", data.BasePath).FailedWithOneLine();
        Assert.Contains("--cluster is required", noCluster);
    }
}
