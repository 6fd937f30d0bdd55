using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;
using HyperdOrleans.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// A store that lost or damaged acknowledged log records, on a real two-silo cluster: buckets that move keep their rows, a
/// bucket that restarted on a damaged log refuses searches with a reason a client can read, and an operator's rebuild with
/// <see cref="BuildRequest.AcceptDataLoss"/> brings the index back to accepting writes.
/// </summary>
public sealed class StoreLossTests : IAsyncLifetime
{
    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(2);
        _data = new TestData(_hyperd.Root, 3_000);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    private HyperdClient Client => _hyperd.Client;

    private IGrainFactory Grains => _hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>(); // buckets are internal

    [Fact]
    public async Task BucketsThatMoveWhileTheLogLostRecordsKeepTheirRows_AndTheRecoveryKeepsEveryAcknowledgedRow()
    {
        const string index = "moved";
        IndexStatus built = await _hyperd.BuildAsync(index, _data, clusters: 20);
        await Client.AppendAsync(index, Ids(7_000, 20), Rows(0, 20));
        string segment = Segment(index);
        long before = new FileInfo(segment).Length;
        await Client.AppendAsync(index, Ids(8_000, 20), Rows(20, 20));
        Truncate(segment, before);

        // Every bucket moves to the other silo: the new activations can only have the last record from the old ones.
        BucketStatus[] placed = await BucketStatusesAsync(index);
        foreach (BucketStatus bucket in placed)
        {
            var target = _hyperd.Cluster.Silos.First(s => s.SiloAddress.ToString() != bucket.Silo).SiloAddress;
            await Grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, bucket.Bucket)).MoveToAsync(target);
        }

        await Within.Eventually("every bucket to run on the other silo", async () =>
        {
            BucketStatus[] now = await BucketStatusesAsync(index);
            return now.All(b => b.Silo != placed[b.Bucket].Silo);
        });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.AppendAsync(index, Ids(9_000, 5), Rows(40, 5)));
        Assert.Contains("lost", refused.Message);
        await Within.Eventually("the recovery rebuild", async () =>
        {
            IndexStatus s = await Client.StatusAsync(index);
            return s.WriteFault is null && s.Generation > built.Generation;
        });
        Assert.Equal(_data.Count + 40, (await Client.StatusAsync(index)).Count);
        await AssertFound(index, Ids(7_000, 20), 0);
        await AssertFound(index, Ids(8_000, 20), 20);
    }

    [Fact]
    public async Task BucketsRestartedOnADamagedLogRefuseSearchesWithAReasonTheClientReads()
    {
        const string index = "damaged";
        await _hyperd.BuildAsync(index, _data, clusters: 20);
        await DamageMiddleOfThreeAppendsAsync(index);
        await RestartEveryGrainAsync(index);

        // InvalidOperationException exactly: the log's own exception type is not part of the client contract.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.SearchAsync(index, _data.Query(0), 10, EveryBucket));
        Assert.Contains("damaged", refused.Message);
        Assert.Contains("AcceptDataLoss", refused.Message);
        Assert.NotNull((await Client.StatusAsync(index)).WriteFault);
    }

    [Fact]
    public async Task ABucketWhoseFilesAreCorruptFailsSearchesWithAReasonTheClientReads()
    {
        const string index = "corrupt";
        await _hyperd.BuildAsync(index, _data, clusters: 20);

        // Every copy of bucket 0's lists, in the store and in the silos' caches: a fresh activation cannot open it.
        foreach (string lists in Directory.EnumerateFiles(_hyperd.Root, "bucket-0.lists", SearchOption.AllDirectories))
        {
            using var file = new FileStream(lists, FileMode.Open);
            file.Position = 10;
            file.WriteByte(0xEE);
        }

        await RestartEveryGrainAsync(index);

        // The engine's exception type is not part of the client contract: the reason comes as InvalidOperationException.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.SearchAsync(index, _data.Query(0), 10, EveryBucket));
        Assert.Contains("bucket-0.lists", refused.Message);
    }

    [Fact]
    public async Task AStoreErrorOfItsOwnTypeReachesTheClientAsAContractException()
    {
        const string index = "store-error";
        await _hyperd.BuildAsync(index, _data, clusters: 20);
        _hyperd.Store.UploadFault = new StoreOutageException("injected: the store refused the upload");
        try
        {
            // Setting defaults uploads the manifest: the store's exception type is not one the client knows.
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.SetDefaultsAsync(index, new IndexDefaults(4, 2)));
            Assert.Contains("injected: the store refused the upload", refused.Message);
        }
        finally
        {
            _hyperd.Store.UploadFault = null;
        }

        Assert.Equal(2, (await Client.SetDefaultsAsync(index, new IndexDefaults(4, 2))).Defaults!.NProbe);
    }

    [Fact]
    public async Task ARebuildThatAcceptsTheLossServesWhatWasLeft_AndAcceptsWritesAgain()
    {
        const string index = "accept-loss";
        IndexStatus built = await _hyperd.BuildAsync(index, _data, clusters: 20);
        await DamageMiddleOfThreeAppendsAsync(index);
        await RestartEveryGrainAsync(index);

        // The automatic recovery cannot reach the acknowledged records: the plain rebuild fails and the fault stays.
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.BuildAsync(index, new BuildRequest()));
        Assert.Contains("lost", failed.Message);
        Assert.NotNull((await Client.StatusAsync(index)).WriteFault);

        IndexStatus recovered = await Within.Phase(
            "the rebuild that accepts the loss",
            Client.BuildAsync(index, new BuildRequest(AcceptDataLoss: true)));
        Assert.True(recovered.Generation > built.Generation);
        Assert.Null(recovered.WriteFault);
        Assert.Equal(_data.Count + 10, recovered.Count); // the first append was readable; the damaged one and the one after it are gone
        await AssertFound(index, Ids(11_000, 10), 0);
        Assert.Equal(10, (await Client.SearchAsync(index, _data.Query(0), 10, EveryBucket)).Count);

        await Client.AppendAsync(index, Ids(9_000, 5), Rows(40, 5));
        await RestartEveryGrainAsync(index);
        await AssertFound(index, Ids(9_000, 5), 40);
    }

    private static readonly SearchOptions EveryBucket = new(LshHasher.BucketCount, 50);

    /// <summary>
    /// Appends ids 11000–11009, 12000–12009 and 13000–13009 (none in the base data), then flips a byte inside the second
    /// record: damage with a record after it. What a salvage can still read is the first append.
    /// </summary>
    private async Task DamageMiddleOfThreeAppendsAsync(string index)
    {
        await Client.AppendAsync(index, Ids(11_000, 10), Rows(0, 10));
        string segment = Segment(index);
        long first = new FileInfo(segment).Length;
        await Client.AppendAsync(index, Ids(12_000, 10), Rows(10, 10));
        long second = new FileInfo(segment).Length;
        await Client.AppendAsync(index, Ids(13_000, 10), Rows(20, 10));
        using var file = new FileStream(segment, FileMode.Open);
        long inside = (first + second) / 2;
        file.Position = inside;
        int b = file.ReadByte();
        file.Position = inside;
        file.WriteByte((byte)(b ^ 0xFF));
    }

    private string Segment(string index) => Directory.EnumerateFiles(Path.Combine(_hyperd.StoreRoot, StoreNames.LogPrefix(index))).Single();

    private static void Truncate(string segment, long length)
    {
        using var file = new FileStream(segment, FileMode.Open);
        file.SetLength(length);
    }

    /// <summary>
    /// Every grain on every silo starts over: their memory is gone, only the store is left. The index grain is told directly:
    /// after a rebuild it delays its collection.
    /// </summary>
    private async Task RestartEveryGrainAsync(string index)
    {
        await Grains.GetGrain<IIndexGrain>(index).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
    }

    private Task<BucketStatus[]> BucketStatusesAsync(string index) => Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount)
        .Select(b => Grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, b)).StatusAsync()));

    private async Task AssertFound(string index, long[] ids, int firstRow)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            QueryResult hit = await Client.SearchAsync(index, _data.ExtraRow(firstRow + i), 1);
            Assert.True(hit.Ids[0] == ids[i], $"acknowledged id {ids[i]} is not the top hit of its own vector (got {hit.Ids[0]})");
        }
    }

    private static long[] Ids(long first, int count) => [.. Enumerable.Range(0, count).Select(i => first + i)];

    private float[] Rows(int first, int count) => [.. Enumerable.Range(first, count).SelectMany(_data.ExtraRow)];
}

/// <summary>An exception type outside the client contract, as a storage SDK's would be.</summary>
public sealed class StoreOutageException(string message) : Exception(message);
