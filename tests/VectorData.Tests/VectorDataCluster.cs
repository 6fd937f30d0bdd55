using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Hosting;
using HyperdOrleans.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace HyperdOrleans.VectorData.Tests;

/// <summary>
/// A real in-process two-silo cluster sharing one local-directory file store (a temp folder), as tests/Cluster.Tests starts it, with a
/// <see cref="HyperdVectorStore"/> over its client. An index builds by itself at <see cref="FirstBuildRows"/> pending rows: only the
/// recall test's collection gets there; the others are answered exactly from pending rows.
/// </summary>
public sealed class VectorDataCluster : IAsyncLifetime
{
    public const int FirstBuildRows = 10_000;

    private string _root = null!;
    private InProcessTestCluster _cluster = null!;

    public HyperdClient Client { get; private set; } = null!;

    public HyperdVectorStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _root = Path.Combine(Path.GetTempPath(), $"hyperd-vectordata-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddMemoryGrainStorage(HyperdStorage.Name);
            silo.Services.AddSingleton<IIndexFileStore>(new LocalDirectoryFileStore(Path.Combine(_root, "store")));
            silo.AddHyperd(o =>
            {
                o.CacheDirectory = Path.Combine(_root, "cache", options.SiloName);
                o.WorkDirectory = Path.Combine(_root, "work", options.SiloName);
                o.BuildThreads = 1;
                o.JobPollInterval = TimeSpan.FromMilliseconds(50);
                o.RouteRefreshInterval = TimeSpan.FromMilliseconds(200);
                o.WarmUpOnStart = false;
                o.FirstBuildRows = FirstBuildRows;
                o.RebuildPendingThreshold = 0;
                o.RebuildPendingFraction = 0;

                // The test cluster's own client asks the silos through this runtime endpoint whether they are up.
                o.ClientCallableInterfaces.Add("Orleans.Runtime.TestHooks.ITestHooks");
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        Client = new HyperdClient(_cluster.Client);
        Store = new HyperdVectorStore(Client);
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Temp space only.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class VectorDataClusterCollection : ICollectionFixture<VectorDataCluster>
{
    public const string Name = "vectordata cluster";
}
