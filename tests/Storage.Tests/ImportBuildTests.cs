using Azure.Storage.Blobs;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Grains.Storage;
using HyperdOrleans.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static HyperdOrleans.Storage.Tests.AzureSiloTestHosts;

namespace HyperdOrleans.Storage.Tests;

/// <summary>
/// Builds from an object in the cluster's blob container (<see cref="BuildRequest.SourceObject"/>) on a silo configured as
/// <c>src/Silo</c> configures it, with no import root: the file reaches the silo only through the store.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ImportBuildTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int Dimensions = 24;
    private const int Count = 20_000;
    private const int QueryCount = 64;
    private const int K = 10;

    private readonly string _clusterId = $"imp-{Guid.NewGuid():N}";
    private readonly string _serviceId = $"svc{Guid.NewGuid():N}";
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hyperd-import-");
    private readonly List<IHost> _hosts = [];

    private string Container => $"index-{_serviceId}";

    private string WorkDirectory => Path.Combine(_root.FullName, "silo", "work");

    private BlobIndexFileStore Store => new(new BlobServiceClient(azurite.ConnectionString), Container);

    private HyperdClient Client => _hosts[^1].Services.GetRequiredService<HyperdClient>();

    public async Task InitializeAsync()
    {
        var settings = Settings(azurite.ConnectionString, _clusterId, _serviceId);
        settings["Hyperd:Azure:Container"] = Container;
        settings["Hyperd:CacheDirectory"] = Path.Combine(_root.FullName, "silo", "cache");
        settings["Hyperd:WorkDirectory"] = WorkDirectory;
        settings["Hyperd:RebuildPendingThreshold"] = "0";
        settings["Hyperd:JobPollInterval"] = "00:00:00.050";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => SiloConfiguration.Configure(silo, builder.Configuration));
        IHost silo = builder.Build();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await silo.StartAsync(timeout.Token);
        }

        _hosts.Add(silo);
        _hosts.Add(await StartClientAsync(azurite.ConnectionString, _clusterId, _serviceId, "import tests"));
    }

    public async Task DisposeAsync()
    {
        await StopAsync([.. Enumerable.Reverse(_hosts)]);
        await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(Container).DeleteIfExistsAsync();
        _root.Delete(recursive: true);
    }

    [Fact]
    public async Task AnUploadedFvecsBuildsFromTheStore_ReachesRecall_AndLeavesNoScratchCopy()
    {
        // The file exists only in the container once uploaded: the silo has no import root, and the local copy is gone.
        string local = Path.Combine(_root.FullName, "upload", "base.fvecs");
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        new SyntheticData(SyntheticKind.Clustered, Dimensions, seed: 21, centers: 100).WriteFile(local, Count);
        float[] rows = VectorFile.Open(local).ReadRows(0, Count);
        await Store.UploadAsync(local, "imports/base.fvecs");
        File.Delete(local);
        var queries = new float[QueryCount * Dimensions];
        new SyntheticData(SyntheticKind.Clustered, Dimensions, seed: 21, SyntheticData.Stream.Queries, centers: 100).Fill(queries);

        IndexStatus built = await Client.BuildAsync("from-store", new BuildRequest(SourceObject: "imports/base.fvecs", Clusters: 100, Seed: 3));

        Assert.Equal(Count, built.Count);
        Assert.True(built.LastRebuild?.Succeeded, built.LastRebuild?.Error);
        SearchResponse found = await Client.SearchRowsAsync("from-store", queries, K);
        VectorMath.NormalizeRows(rows, Dimensions, 0, "test rows");
        Neighbor[][] exact = ExactSearch.Search(rows, Dimensions, queries, K).Neighbors;
        Neighbor[][] answers = [.. found.Results.Select(r => r.Ids.Zip(r.Scores, (id, score) => new Neighbor(id, score)).ToArray())];
        double recall = Recall.AtK(answers, exact, K);
        Assert.True(recall >= 0.9, $"recall@{K} {recall:F3} of the index built from the store object is below 0.9");

        // The manifest names the object, not the silo's copy; the copy and every scratch folder are gone; the object is kept.
        string manifest = System.Text.Encoding.UTF8.GetString(await Store.ReadAllBytesAsync(StoreNames.Manifest("from-store")));
        Assert.Contains("\"imports/base.fvecs\"", manifest);
        Assert.DoesNotContain(WorkDirectory, manifest);
        string[] left = Directory.Exists(WorkDirectory) ? Directory.GetFileSystemEntries(WorkDirectory, "*", SearchOption.AllDirectories) : [];
        Assert.True(left.Length == 0, $"scratch left after the build: {string.Join(", ", left)}");
        Assert.True(await Store.ExistsAsync("imports/base.fvecs"));
    }

    [Theory]
    [InlineData("../imports/x.fvecs")]
    [InlineData("imports/../from-store/manifest.json")]
    [InlineData("from-store/manifest.json")]
    [InlineData("from-store/log/segment-0000000001.wal")]
    [InlineData("/imports/x.fvecs")]
    [InlineData("imports/")]
    [InlineData("imports//x.fvecs")]
    [InlineData("imports/./x.fvecs")]
    [InlineData("imports\\x.fvecs")]
    public async Task ANameOutsideImportsIsRefusedBeforeTheStoreIsRead(string name)
    {
        // An index's own files exist here, so a refusal is the policy's, not a missing object's.
        await Store.UploadAsync(WriteSmallFile(), "from-store/manifest.json");

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.BuildAsync("hostile", new BuildRequest(SourceObject: name)));
        Assert.Contains($"source object '{name}' is not an import of this cluster: name an object under 'imports/'", refused.Message);
    }

    [Fact]
    public async Task AMissingOrMalformedObjectOrTwoSourcesAreArgumentErrorsAtRequestTime()
    {
        var missing = await Assert.ThrowsAsync<ArgumentException>(
            () => Client.BuildAsync("import-missing", new BuildRequest(SourceObject: "imports/missing.fvecs")));
        Assert.Contains(
            "source object 'imports/missing.fvecs' cannot be read as a vector file: it is not in the cluster's file store", missing.Message);

        string bad = Path.Combine(_root.FullName, "bad.fvecs");
        await File.WriteAllBytesAsync(bad, [24, 0, 0, 0, 1, 2, 3]);
        await Store.UploadAsync(bad, "imports/bad.fvecs");
        var malformed = await Assert.ThrowsAsync<ArgumentException>(
            () => Client.BuildAsync("import-malformed", new BuildRequest(SourceObject: "imports/bad.fvecs")));
        Assert.Contains("source object 'imports/bad.fvecs' cannot be read as a vector file: 'imports/bad.fvecs' has 7 bytes", malformed.Message);
        Assert.DoesNotContain(WorkDirectory, malformed.Message);

        var both = await Assert.ThrowsAsync<ArgumentException>(
            () => Client.BuildAsync("import-both", new BuildRequest(SourcePath: bad, SourceObject: "imports/bad.fvecs")));
        Assert.Contains("one build source: SourcePath (a file on the silo's disk) or SourceObject", both.Message);

        var reserved = await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateIndexAsync("imports", dimensions: 4));
        Assert.Contains("index name 'imports' is reserved", reserved.Message);

        // Refused requests leave nothing in the silo's scratch space either.
        string[] left = Directory.Exists(WorkDirectory) ? Directory.GetFileSystemEntries(WorkDirectory, "*", SearchOption.AllDirectories) : [];
        Assert.True(left.Length == 0, $"scratch left after refused builds: {string.Join(", ", left)}");
    }

    private string WriteSmallFile()
    {
        string path = Path.Combine(_root.FullName, $"small-{Guid.NewGuid():N}.fvecs");
        new SyntheticData(SyntheticKind.Clustered, Dimensions, seed: 5).WriteFile(path, 50);
        return path;
    }
}
