using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Build;
using HyperdOrleans.Grains.Hosting;
using HyperdOrleans.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// A real in-process cluster of several silos that share one local-directory file store (a temp folder) and
/// keep their own file caches, with a build gate tests can close. Grain state in memory, or in files when a
/// test restarts silos (memory state dies with the silo that holds it).
/// </summary>
public sealed class HyperdTestCluster : IAsyncDisposable
{
    private HyperdTestCluster(
        string root, InProcessTestCluster cluster, TestBuildGate gate, FaultyFileStore store, FailingCalls calls, CallLog log)
    {
        Calls = calls;
        Log = log;
        Root = root;
        Cluster = cluster;
        Gate = gate;
        Store = store;
        Client = new HyperdClient(cluster.Client);
    }

    /// <summary>The TestingHost's silo probe, which its client calls (as an operator's tool may be admitted).</summary>
    public const string TestHooks = "Orleans.Runtime.TestHooks.ITestHooks";

    public string Root { get; }

    public string StoreRoot => Path.Combine(Root, "store");

    public InProcessTestCluster Cluster { get; }

    public TestBuildGate Gate { get; }

    /// <summary>The one file store every silo uses (a local directory), with faults a test can arm.</summary>
    public FaultyFileStore Store { get; }

    public HyperdClient Client { get; }

    /// <summary>Grain calls a test makes fail on purpose (every silo's incoming calls pass through it).</summary>
    public FailingCalls Calls { get; }

    /// <summary>Where each grain method's calls ran (every silo's incoming calls pass through it).</summary>
    public CallLog Log { get; }

    /// <param name="membership">Membership timeouts of every silo (the production ones in silo-failure tests), or Orleans' defaults.</param>
    /// <param name="configure">Changes to the test defaults of the HyperdOrleans options.</param>
    public static async Task<HyperdTestCluster> StartAsync(
        short silos,
        bool fileGrainStorage = false,
        Action<ClusterMembershipOptions>? membership = null,
        Action<HyperdOptions>? configure = null)
    {
        string root = Path.Combine(Path.GetTempPath(), $"hyperd-cluster-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var gate = new TestBuildGate();
        var calls = new FailingCalls();
        var log = new CallLog();
        var store = new FaultyFileStore(new LocalDirectoryFileStore(Path.Combine(root, "store")));
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((options, silo) =>
        {
            if (fileGrainStorage)
            {
                silo.AddHyperdFileGrainStorage(Path.Combine(root, "state"));
            }
            else
            {
                silo.AddMemoryGrainStorage(HyperdStorage.Name);
            }

            silo.Services.AddSingleton<IIndexFileStore>(store);
            silo.AddHyperd(o =>
            {
                o.CacheDirectory = Path.Combine(root, "cache", options.SiloName);
                o.WorkDirectory = Path.Combine(root, "work", options.SiloName);
                o.BuildThreads = 1;
                o.JobPollInterval = TimeSpan.FromMilliseconds(50);
                o.RouteRefreshInterval = TimeSpan.FromMilliseconds(200);
                o.WarmUpOnStart = false;
                o.RebuildPendingThreshold = 0;
                o.RebuildPendingFraction = 0;

                // Test data sets are written under the cluster's folder: the one directory these silos build from.
                o.ImportRoots.Add(root);

                // The test cluster's own client asks the silos through this runtime endpoint whether they are up.
                o.ClientCallableInterfaces.Add(TestHooks);

                // Small passes, so that a test batch of 64 queries is planned and fanned out in several.
                o.MaxPairsPerFanOut = 600;
                configure?.Invoke(o);
            });
            silo.Services.AddSingleton<IBuildJobGate>(gate);
            silo.AddIncomingGrainCallFilter(calls);
            silo.AddIncomingGrainCallFilter(log);
            if (membership is not null)
            {
                silo.Configure(membership);
            }
        });
        InProcessTestCluster cluster = builder.Build();
        await cluster.DeployAsync();
        return new HyperdTestCluster(root, cluster, gate, store, calls, log);
    }

    /// <summary>Builds <paramref name="index"/> from a file and waits until it serves.</summary>
    public Task<IndexStatus> BuildAsync(string index, TestData data, int clusters = 1000) =>
        Within.Phase($"first build of '{index}'", Client.BuildAsync(index, new BuildRequest(data.Path, Clusters: clusters)));

    public async ValueTask DisposeAsync()
    {
        Gate.Open();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Temp space only.
        }
    }
}
