namespace HyperdOrleans.Cluster.Tests;

/// <summary>One three-silo cluster and one data set for the tests that do not stop silos; each test uses its own index name.</summary>
public sealed class SharedClusterFixture : IAsyncLifetime
{
    public HyperdTestCluster Hyperd { get; private set; } = null!;

    public TestData Data { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Hyperd = await HyperdTestCluster.StartAsync(3);
        Data = new TestData(Hyperd.Root, 20_000);
    }

    public async Task DisposeAsync() => await Hyperd.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<SharedClusterFixture>
{
    public const string Name = "shared cluster";
}
