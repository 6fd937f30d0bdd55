using HyperdOrleans.Abstractions;
using HyperdOrleans.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// Appends and deletes through the write-ahead log, on a real one-silo cluster whose file store fails on command: a call
/// is acknowledged only when durable, a failed call leaves nothing visible (also after every grain reloads from the log),
/// a stalled store fails calls fast, and a store that lost acknowledged records is caught and recovered from.
/// </summary>
public sealed class DurableWriteTests : IAsyncLifetime
{
    private static readonly TimeSpan AppendTimeout = TimeSpan.FromSeconds(1);
    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(1, configure: o => o.LogAppendTimeout = AppendTimeout);
        _data = new TestData(_hyperd.Root, 3_000);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    private HyperdClient Client => _hyperd.Client;

    [Fact]
    public async Task AFailedAppendLeavesNoRowVisible_EvenAfterEveryGrainReloadsFromTheLog()
    {
        const string index = "failed-append";
        await _hyperd.BuildAsync(index, _data, clusters: 20);
        await Client.AppendAsync(index, Ids(1_000, 10), Rows(0, 10));
        await Client.DeleteAsync(index, [3, 4]);

        // The record reaches the store, but the reply is lost: the call fails, and nothing of it may ever be visible.
        _hyperd.Store.FailAppendsAfterWriting(1);
        var failed = await Assert.ThrowsAsync<IOException>(() => Client.AppendAsync(index, Ids(2_000, 10), Rows(20, 10)));
        Assert.Contains("Nothing of this call was applied", failed.Message);
        await Client.AppendAsync(index, Ids(3_000, 10), Rows(40, 10));

        await AssertVisible("before any reload");
        await DeactivateEveryGrainAsync();
        await AssertVisible("after every grain reloaded from the log");

        async Task AssertVisible(string when)
        {
            await AssertFound(index, Ids(1_000, 10), 0, when);
            await AssertFound(index, Ids(3_000, 10), 40, when);
            await AssertAbsent(index, Ids(2_000, 10), 20, when);
            QueryResult deleted = await Client.SearchAsync(index, _data.BaseRow(3), 5);
            Assert.DoesNotContain(3L, deleted.Ids);
            Assert.Equal(10 + 2 + 10, (await Client.StatusAsync(index)).PendingOperations);
        }
    }

    [Fact]
    public async Task ABucketThatReplayedAFailedAppendBeforeItWasSealedOffDropsIt()
    {
        const string index = "replayed-failure";

        // The store loses the reply of an append that landed, then stops answering: the record cannot be sealed off yet.
        await AppendThenFailOneAsync(index, stallAfter: TimeSpan.FromMinutes(1));
        IGrainFactory silo = _hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        foreach (int b in Enumerable.Range(0, Engine.Lsh.LshHasher.BucketCount))
        {
            await _hyperd.Cluster.DeactivateAsync(silo.GetGrain<Grains.Buckets.IBucketGrain>(Grains.GrainKeys.Bucket(index, b)));
        }

        // Buckets that start over now replay the failed record: the window this test is about.
        await AssertFound(index, Ids(2_000, 10), 20, "while the store stalls (the failed record replayed)");

        // The store answers again: the index seals the record off and tells each bucket what was acknowledged.
        _hyperd.Store.AppendStall = TimeSpan.Zero;
        await Within.Eventually("the failed record to disappear", async () =>
        {
            QueryResult hit = await Client.SearchAsync(index, _data.ExtraRow(20), 1);
            return hit.Ids[0] != 2_000;
        });
        await AssertAbsent(index, Ids(2_000, 10), 20, "after the seal");
        await AssertFound(index, Ids(1_000, 10), 0, "after the seal");
    }

    [Fact]
    public async Task AFailedAppendIsSealedOffWithoutWaitingForTheNextOne()
    {
        const string index = "sealed-off";
        await AppendThenFailOneAsync(index);

        // No further write: the index seals the failed record off by itself, so buckets that start over never replay it.
        string log = Path.Combine(_hyperd.StoreRoot, StoreNames.LogPrefix(index));
        await Within.Eventually("the seal-only segment", () => Task.FromResult(Directory.EnumerateFiles(log).Count() >= 2));
        await DeactivateEveryGrainAsync();
        await AssertAbsent(index, Ids(2_000, 10), 20, "after every grain reloaded");
        await AssertFound(index, Ids(1_000, 10), 0, "after every grain reloaded");
    }

    [Fact]
    public async Task AStalledStoreFailsTheAppendWithinItsTimeout_AndAppliesNothing()
    {
        const string index = "stalled-store";
        await _hyperd.BuildAsync(index, _data, clusters: 20);
        _hyperd.Store.AppendStall = TimeSpan.FromSeconds(30);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<TimeoutException>(() => Client.AppendAsync(index, Ids(5_000, 5), Rows(0, 5)));

        Assert.True(clock.Elapsed < AppendTimeout + TimeSpan.FromSeconds(4), $"the append failed only after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Contains("retry", e.Message);
        _hyperd.Store.AppendStall = TimeSpan.Zero;
        await Client.AppendAsync(index, Ids(6_000, 5), Rows(10, 5));
        await AssertAbsent(index, Ids(5_000, 5), 0, "after the stall");
        await AssertFound(index, Ids(6_000, 5), 10, "after the stall");
    }

    [Fact]
    public async Task AStoreThatLostAcknowledgedRecordsIsCaught_AndARebuildKeepsEveryAcknowledgedRow()
    {
        const string index = "lost-records";
        IndexStatus built = await _hyperd.BuildAsync(index, _data, clusters: 20);
        await Client.AppendAsync(index, Ids(7_000, 20), Rows(0, 20));
        string segment = Directory.EnumerateFiles(Path.Combine(_hyperd.StoreRoot, StoreNames.LogPrefix(index))).Single();
        long before = new FileInfo(segment).Length;
        await Client.AppendAsync(index, Ids(8_000, 20), Rows(20, 20));

        // The store "rolls back" the last acknowledged record (as an emulator killed before it flushed does).
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(before);
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.AppendAsync(index, Ids(9_000, 5), Rows(40, 5)));
        Assert.Contains("lost", refused.Message);
        Assert.NotNull((await Client.StatusAsync(index)).WriteFault);

        // The buckets still hold every acknowledged row in memory: the recovery rebuild folds them into a generation.
        await Within.Eventually("the recovery rebuild", async () =>
        {
            IndexStatus s = await Client.StatusAsync(index);
            return s.WriteFault is null && s.Generation > built.Generation;
        });
        IndexStatus recovered = await Client.StatusAsync(index);
        Assert.Equal(_data.Count + 40, recovered.Count);
        await AssertFound(index, Ids(7_000, 20), 0, "after recovery");
        await AssertFound(index, Ids(8_000, 20), 20, "after recovery");

        await Client.AppendAsync(index, Ids(9_000, 5), Rows(40, 5));
        await DeactivateEveryGrainAsync();
        await AssertFound(index, Ids(9_000, 5), 40, "after recovery and a reload");
        await AssertFound(index, Ids(8_000, 20), 20, "after recovery and a reload");
    }

    /// <summary>Builds <paramref name="index"/>, appends ids 1000–1009, then an append of ids 2000–2009 whose reply is lost.</summary>
    private async Task AppendThenFailOneAsync(string index, TimeSpan stallAfter = default)
    {
        await _hyperd.BuildAsync(index, _data, clusters: 20);
        await Client.AppendAsync(index, Ids(1_000, 10), Rows(0, 10));
        _hyperd.Store.FailAppendsAfterWriting(1, stallAfter);
        await Assert.ThrowsAsync<IOException>(() => Client.AppendAsync(index, Ids(2_000, 10), Rows(20, 10)));
    }

    [Fact]
    public async Task AWriteThatReachesTheIndexAfterItsDeadlineIsRefusedWhole_AndTheSdksAttemptsCarryOne()
    {
        const string index = "late-write";
        await _hyperd.BuildAsync(index, _data, clusters: 20);
        IIndexGrain grain = _hyperd.Cluster.Client.GetGrain<IIndexGrain>(index);

        // As a network that held the attempt delivers it after the client gave up on it: its deadline has passed.
        RequestContext.Set(WriteDeadline.Key, DateTime.UtcNow.AddSeconds(-2).Ticks);
        Task<MutationResult> lateAppend = grain.AppendAsync(new VectorBatch(Ids(4_000, 10), Rows(30, 10)));
        Task<MutationResult> lateDelete = grain.DeleteAsync([5]);
        RequestContext.Remove(WriteDeadline.Key);
        var refused = await Assert.ThrowsAsync<WriteArrivedLateException>(() => lateAppend);
        Assert.Contains("after its caller's deadline", refused.Message);
        await Assert.ThrowsAsync<WriteArrivedLateException>(() => lateDelete);

        // Still ahead, but by less than handing the record to the buckets may take (ReplicaAttemptTimeout, 2 s): refused too.
        RequestContext.Set(WriteDeadline.Key, DateTime.UtcNow.AddSeconds(1).Ticks);
        Task<MutationResult> tightAppend = grain.AppendAsync(new VectorBatch(Ids(4_000, 10), Rows(30, 10)));
        RequestContext.Remove(WriteDeadline.Key);
        Assert.Contains("too little to apply it in time", (await Assert.ThrowsAsync<WriteArrivedLateException>(() => tightAppend)).Message);
        await AssertAbsent(index, Ids(4_000, 10), 30, "after the late append");
        Assert.Contains(5L, (await Client.SearchAsync(index, _data.BaseRow(5), 5)).Ids);
        Assert.Equal(0, (await Client.StatusAsync(index)).PendingOperations);

        // The SDK gives every attempt a deadline ahead of now: its append and delete land.
        await Client.AppendAsync(index, Ids(4_000, 10), Rows(30, 10));
        await Client.DeleteAsync(index, [5]);
        await AssertFound(index, Ids(4_000, 10), 30, "after the SDK's append");
        Assert.DoesNotContain(5L, (await Client.SearchAsync(index, _data.BaseRow(5), 5)).Ids);
        TimeSpan[] appends = _hyperd.Log.DeadlinesLeft(nameof(IIndexGrain) + "." + nameof(IIndexGrain.AppendAsync));
        TimeSpan[] deletes = _hyperd.Log.DeadlinesLeft(nameof(IIndexGrain) + "." + nameof(IIndexGrain.DeleteAsync));
        Assert.True(appends.Length >= 2 && appends[^1] > TimeSpan.Zero, $"the SDK's append arrived with {appends[^1]} of its deadline left");
        Assert.True(deletes.Length >= 2 && deletes[^1] > TimeSpan.Zero, $"the SDK's delete arrived with {deletes[^1]} of its deadline left");
        Assert.True(appends.Length >= 3 && appends[^3] < TimeSpan.Zero && appends[^2] < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task AnAttemptRefusedForArrivingLateIsSentAgain_AndTheWriteLands()
    {
        const string index = "late-attempt";
        await _hyperd.BuildAsync(index, _data, clusters: 20);

        // As an attempt held behind other writes past its deadline: refused whole, so the SDK may and does send it again.
        _hyperd.Calls.Arm(index, nameof(IIndexGrain.AppendAsync), fault: () => new WriteArrivedLateException("test: arrived late"));
        MutationResult appended = await Client.AppendAsync(index, Ids(4_500, 10), Rows(50, 10));
        Assert.Equal(10, appended.Applied);
        await AssertFound(index, Ids(4_500, 10), 50, "after the resent append");

        // A refusal on every attempt ends the call with it, as it came: nothing of it was applied.
        _hyperd.Calls.Arm(index, nameof(IIndexGrain.DeleteAsync), times: 1000, fault: () => new WriteArrivedLateException("test: arrived late"));
        await Assert.ThrowsAsync<WriteArrivedLateException>(() => Client.DeleteAsync(index, [4_500], timeout: TimeSpan.FromSeconds(2)));
        _hyperd.Calls.Arm(index, nameof(IIndexGrain.DeleteAsync), times: 0);
        await AssertFound(index, Ids(4_500, 1), 50, "after the refused delete");
    }

    private async Task AssertFound(string index, long[] ids, int firstRow, string when)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            QueryResult hit = await Client.SearchAsync(index, _data.ExtraRow(firstRow + i), 1);
            Assert.True(hit.Ids[0] == ids[i], $"{when}: acknowledged id {ids[i]} is not the top hit of its own vector (got {hit.Ids[0]})");
        }
    }

    private async Task AssertAbsent(string index, long[] ids, int firstRow, string when)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            QueryResult hits = await Client.SearchAsync(index, _data.ExtraRow(firstRow + i), 10);
            Assert.False(hits.Ids.Contains(ids[i]), $"{when}: id {ids[i]} of a failed call is visible");
        }
    }

    /// <summary>Every grain starts over: buckets re-open their files and replay the log, the index grain re-reads it.</summary>
    private async Task DeactivateEveryGrainAsync()
    {
        IGrainFactory silo = _hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        await silo.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
    }

    private static long[] Ids(long first, int count) => [.. Enumerable.Range(0, count).Select(i => first + i)];

    private float[] Rows(int first, int count) => [.. Enumerable.Range(first, count).SelectMany(_data.ExtraRow)];
}
