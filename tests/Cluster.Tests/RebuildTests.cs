using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;

namespace HyperdOrleans.Cluster.Tests;

[Collection(SharedClusterCollection.Name)]
public sealed class RebuildTests(SharedClusterFixture fixture)
{
    [Fact]
    public async Task RebuildWhileQueriesRunLosesNoQueryAndSwitchesGeneration()
    {
        const string index = "rebuild-under-load";
        HyperdTestCluster hyperd = fixture.Hyperd;
        IndexStatus first = await hyperd.BuildAsync(index, fixture.Data);

        hyperd.Gate.Close();
        try
        {
            await RebuildUnderLoadAsync(index, hyperd, first);
        }
        finally
        {
            hyperd.Gate.Open();
        }
    }

    private async Task RebuildUnderLoadAsync(string index, HyperdTestCluster hyperd, IndexStatus first)
    {
        IndexStatus started = await hyperd.Client.BuildAsync(index, new BuildRequest(fixture.Data.Path, Clusters: 1000, Seed: 5), wait: false);
        long next = started.Rebuild!.Generation;
        Assert.True(next > first.Generation);

        var seen = new System.Collections.Concurrent.ConcurrentDictionary<long, int>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var newGenerationSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answeredDuringRebuild = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int answered = 0;
        int target = int.MaxValue;
        using var stop = new CancellationTokenSource();
        async Task Loop(int worker)
        {
            for (int i = worker; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    SearchResponse response = await hyperd.Client.SearchRowsAsync(index, fixture.Data.Query(i % 64), 10);
                    Assert.Equal(10, response.Results[0].Count);
                    seen.AddOrUpdate(response.Generation, 1, (_, n) => n + 1);
                    if (Interlocked.Increment(ref answered) >= Volatile.Read(ref target))
                    {
                        answeredDuringRebuild.TrySetResult();
                    }

                    if (response.Generation == next)
                    {
                        newGenerationSeen.TrySetResult();
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }
        }

        Task[] loops = [.. Enumerable.Range(0, 3).Select(w => Task.Run(() => Loop(w)))];
        await Within.Phase("all eight build jobs waiting at the gate", hyperd.Gate.ArrivedAsync(LshHasher.BucketCount));
        Volatile.Write(ref target, Volatile.Read(ref answered) + 30);
        await Within.Phase("30 queries answered while the build jobs are held", answeredDuringRebuild.Task);
        IndexStatus during = await hyperd.Client.StatusAsync(index);
        Assert.Equal(first.Generation, during.Generation);
        Assert.Equal("build", during.Rebuild?.Phase);
        Assert.Equal(LshHasher.BucketCount, during.Rebuild!.Jobs.Length);

        hyperd.Gate.Open();
        IndexStatus after = await Within.Phase("the rebuild to finish", hyperd.Client.WaitForRebuildAsync(index, next));
        await Within.Phase("a query answered by the new generation", newGenerationSeen.Task);
        stop.Cancel();
        await Within.Phase("query loops to stop", Task.WhenAll(loops));

        Assert.Empty(failures);
        Assert.Equal(next, after.Generation);
        Assert.True(seen.GetValueOrDefault(first.Generation) > 0, "no query was answered by the old generation during the rebuild");
        Assert.Null(after.Rebuild);
        Assert.True(after.LastRebuild!.Succeeded);
    }

    [Fact]
    public async Task FailedBuildJobLeavesOldGenerationServingAndRetryWorks()
    {
        const string index = "failed-job";
        HyperdTestCluster hyperd = fixture.Hyperd;
        IndexStatus first = await hyperd.BuildAsync(index, fixture.Data);
        QueryResult before = await hyperd.Client.SearchAsync(index, fixture.Data.Query(9), 10);

        hyperd.Gate.FailBucket = 5;
        var failed = await Within.Phase(
            "the failing rebuild",
            Assert.ThrowsAsync<InvalidOperationException>(() => hyperd.Client.BuildAsync(index, new BuildRequest())));
        Assert.Contains("bucket 5 failed: injected failure", failed.Message);
        IndexStatus status = await hyperd.Client.StatusAsync(index);
        Assert.Equal(first.Generation, status.Generation);
        Assert.False(status.LastRebuild!.Succeeded);
        SearchResponse during = await hyperd.Client.SearchRowsAsync(index, fixture.Data.Query(9), 10);
        Assert.Equal(first.Generation, during.Generation);
        Assert.Equal(before.Ids, during.Results[0].Ids);

        IndexStatus retried = await Within.Phase("the retried rebuild", hyperd.Client.BuildAsync(index, new BuildRequest()));
        Assert.True(retried.LastRebuild!.Succeeded);
        Assert.Equal(retried.Generation, (await hyperd.Client.SearchRowsAsync(index, fixture.Data.Query(9), 10)).Generation);
    }

    [Fact]
    public async Task SecondRebuildIsRefusedWhileOneRuns()
    {
        const string index = "one-at-a-time";
        HyperdTestCluster hyperd = fixture.Hyperd;
        await hyperd.BuildAsync(index, fixture.Data);
        hyperd.Gate.Close();
        try
        {
            IndexStatus started = await hyperd.Client.BuildAsync(index, new BuildRequest(), wait: false);
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => hyperd.Client.BuildAsync(index, new BuildRequest()));
            Assert.Contains("already building", refused.Message);
            hyperd.Gate.Open();
            await Within.Phase("the first rebuild to finish", hyperd.Client.WaitForRebuildAsync(index, started.Rebuild!.Generation));
        }
        finally
        {
            hyperd.Gate.Open();
        }
    }
}
