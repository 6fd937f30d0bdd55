using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;
using Orleans.Runtime.Placement;
using HyperdOrleans.Silo;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>Tests that stop silos get their own cluster, with grain state in files so it outlives any silo.</summary>
public sealed class SiloFailureTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>
    /// Death detection (2 s probes, 3 missed: about 6 s, plus a second vote) and re-activating the buckets elsewhere;
    /// generous for a loaded 2-core machine, far under the 30 s and 5 minutes that calls waited before.
    /// </summary>
    private static readonly TimeSpan KillRecoveryBound = TimeSpan.FromSeconds(25);

    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(3, fileGrainStorage: true, membership: AzureSiloConfiguration.ApplyProductionTimeouts);
        _data = new TestData(_hyperd.Root, 20_000);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    /// <summary>Runs the index's first call with a placement hint, so its index grain activates on <paramref name="silo"/>.</summary>
    private static async Task<IndexStatus> OnSiloAsync(InProcessSiloHandle silo, Func<Task<IndexStatus>> firstCall)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo.SiloAddress);
        try
        {
            return await firstCall();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    /// <param name="shards">With 2, the jobs at the gate are the buckets' training jobs; each bucket's shard jobs follow its training.</param>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ASiloStoppedMidRebuild_ItsLostJobsRunAgainOnOtherSilos_AndTheRebuildFinishes(int shards)
    {
        string index = $"silo-stop-{shards}";
        IndexStatus first = await Within.Phase("first build", _hyperd.Client.BuildAsync(index, new BuildRequest(_data.Path, Shards: shards)));
        QueryResult before = await _hyperd.Client.SearchAsync(index, _data.Query(1), 10);

        _hyperd.Gate.Close();
        try
        {
            IndexStatus started = await _hyperd.Client.BuildAsync(index, new BuildRequest(), wait: false);
            long generation = started.Rebuild!.Generation;
            await Within.Phase("all eight build jobs waiting at the gate", _hyperd.Gate.ArrivedAsync(LshHasher.BucketCount));

            // Jobs go round robin over the silos: stop a secondary silo that runs some of them but not the index grain.
            IndexStatus running = await _hyperd.Client.StatusAsync(index);
            var victim = _hyperd.Cluster.Silos.Skip(1).First(s =>
                s.SiloAddress.ToString() != running.Silo && running.Rebuild!.Jobs.Any(j => j.Silo == s.SiloAddress.ToString()));
            int lostJobs = running.Rebuild!.Jobs.Count(j => j.Silo == victim.SiloAddress.ToString());
            await Within.Phase("stopping a silo that runs build jobs", _hyperd.Cluster.StopSiloAsync(victim));

            // The old generation serves throughout.
            SearchResponse during = await _hyperd.Client.SearchRowsAsync(index, _data.Query(1), 10);
            Assert.Equal(first.Generation, during.Generation);
            Assert.Equal(before.Ids, during.Results[0].Ids);

            _hyperd.Gate.Open();
            IndexStatus done = await Within.Phase("the rebuild to finish", _hyperd.Client.WaitForRebuildAsync(index, generation));
            Assert.Equal(generation, done.Generation);
            Assert.True(done.LastRebuild!.Succeeded);
            Assert.DoesNotContain(victim.SiloAddress.ToString(), done.LastRebuild.JobSilos);
            Assert.True(lostJobs > 0);

            SearchResponse after = await _hyperd.Client.SearchRowsAsync(index, _data.Query(1), 10);
            Assert.Equal(generation, after.Generation);
            Assert.Equal(10, after.Results[0].Count);
            Assert.Equal(_data.Count, done.Count);
            Assert.All(done.Buckets.Where(b => b.Count > 0), b => Assert.Equal(shards, b.Shards));
        }
        finally
        {
            _hyperd.Gate.Open();
        }
    }

    /// <param name="kill">Killed (no goodbye: its grains vanish, the others learn it from membership) rather than stopped.</param>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public async Task ARebuildCutOffWithTheIndexGrainsSilo_IsTakenOverByTheNextActivation_AndFinishes(int shards, bool kill)
    {
        string index = $"index-silo-stop-{shards}";
        var victim = _hyperd.Cluster.Silos[^1];

        IndexStatus first = await OnSiloAsync(
            victim, () => Within.Phase("first build", _hyperd.Client.BuildAsync(index, new BuildRequest(_data.Path, Shards: shards))));

        Assert.Equal(victim.SiloAddress.ToString(), first.Silo);
        QueryResult before = await _hyperd.Client.SearchAsync(index, _data.Query(1), 10);
        _hyperd.Gate.Close();
        long generation;
        try
        {
            generation = (await _hyperd.Client.BuildAsync(index, new BuildRequest(), wait: false)).Rebuild!.Generation;
            await Within.Phase("all eight build jobs waiting at the gate", _hyperd.Gate.ArrivedAsync(LshHasher.BucketCount));
            await Within.Phase(
                "stopping the index grain's silo", kill ? _hyperd.Cluster.KillSiloAsync(victim) : _hyperd.Cluster.StopSiloAsync(victim));

            // The next call activates the index grain on another silo, which takes the rebuild over; the old generation serves.
            IndexStatus during = await Within.Phase(
                "the index grain's next activation", _hyperd.Client.StatusAsync(index, timeout: KillRecoveryBound), KillRecoveryBound * 2);
            Assert.NotEqual(victim.SiloAddress.ToString(), during.Silo);
            Assert.Equal(first.Generation, during.Generation);
            Assert.Equal(generation, during.Rebuild?.Generation);
            Assert.Equal(before.Ids, (await _hyperd.Client.SearchAsync(index, _data.Query(1), 10, timeout: KillRecoveryBound)).Ids);
        }
        finally
        {
            _hyperd.Gate.Open();
        }

        IndexStatus done = await Within.Phase("the taken-over rebuild to finish", _hyperd.Client.WaitForRebuildAsync(index, generation));
        Assert.Equal(generation, done.Generation);
        Assert.True(done.LastRebuild!.Succeeded, done.LastRebuild.Error);
        Assert.DoesNotContain(victim.SiloAddress.ToString(), done.LastRebuild.JobSilos);
        Assert.Equal(_data.Count, done.Count);
        Assert.All(done.Buckets.Where(b => b.Count > 0), b => Assert.Equal(shards, b.Shards));

        // Every row is in the new generation's files: rows spread over the data find themselves.
        var everyBucket = new SearchOptions(LshHasher.BucketCount, 50);
        for (long row = 0; row < _data.Count; row += _data.Count / 20)
        {
            QueryResult self = await _hyperd.Client.SearchAsync(index, _data.BaseRow(row), 1, everyBucket);
            Assert.Equal(row, self.Ids[0]);
        }

        IndexStatus again = await Within.Phase("a rebuild after the take-over", _hyperd.Client.BuildAsync(index, new BuildRequest()));
        Assert.True(again.Generation > generation);
    }

    [Fact]
    public async Task ARebuildCutOffBeforeItsPartitionReachedTheStore_StartsAgainUnderTheSameGeneration_AndFinishes()
    {
        const string index = "index-silo-kill-upload";
        var victim = _hyperd.Cluster.Silos[^1];
        IndexStatus first = await OnSiloAsync(
            victim, () => Within.Phase("first build", _hyperd.Client.BuildAsync(index, new BuildRequest(_data.Path))));

        // The rebuild's spill uploads never finish on the victim: as if its process died in the upload phase.
        _hyperd.Store.SpillUploadHold = new TaskCompletionSource();
        long generation = (await _hyperd.Client.BuildAsync(index, new BuildRequest(), wait: false)).Rebuild!.Generation;
        await Within.Eventually("the rebuild's upload phase", async () => (await _hyperd.Client.StatusAsync(index)).Rebuild?.Phase == "upload");
        await Within.Phase("killing the index grain's silo", _hyperd.Cluster.KillSiloAsync(victim));
        _hyperd.Store.SpillUploadHold = null;

        IndexStatus during = await Within.Phase(
            "the index grain's next activation", _hyperd.Client.StatusAsync(index, timeout: KillRecoveryBound), KillRecoveryBound * 2);
        Assert.NotEqual(victim.SiloAddress.ToString(), during.Silo);
        Assert.Equal(first.Generation, during.Generation);

        IndexStatus done = await Within.Phase("the restarted rebuild to finish", _hyperd.Client.WaitForRebuildAsync(index, generation));
        Assert.Equal(generation, done.Generation);
        Assert.True(done.LastRebuild!.Succeeded, done.LastRebuild.Error);
        Assert.Equal(_data.Count, done.Count);
        QueryResult self = await _hyperd.Client.SearchAsync(index, _data.BaseRow(123), 1, new SearchOptions(LshHasher.BucketCount, 50));
        Assert.Equal(123, self.Ids[0]);
    }

    [Fact]
    public async Task AnAppendInFlightWhenTheIndexGrainsSiloDiesIsSentAgainAndLands()
    {
        const string index = "append-retry";
        var victim = _hyperd.Cluster.Silos[^1]; // not the client's gateway
        await OnSiloAsync(victim, () => _hyperd.BuildAsync(index, _data, clusters: 40));

        Assert.Equal(victim.SiloAddress.ToString(), (await _hyperd.Client.StatusAsync(index)).Silo);
        long[] ids = [.. Enumerable.Range(0, 10).Select(i => 50_000L + i)];
        float[] rows = [.. Enumerable.Range(0, 10).SelectMany(_data.ExtraRow)];

        // The store holds the append's log write while the index grain's silo dies under it: that attempt never answers (its
        // stall outlasts the test, so it cannot land late either).
        _hyperd.Store.AppendStall = TimeSpan.FromMinutes(2);
        Task<MutationResult> append = _hyperd.Client.AppendAsync(index, ids, rows, timeout: KillRecoveryBound);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await Within.Phase("killing the index grain's silo", _hyperd.Cluster.KillSiloAsync(victim));
        _hyperd.Store.AppendStall = TimeSpan.Zero;

        MutationResult result = await append;
        Assert.Equal(ids.Length, result.Applied);
        Assert.NotEqual(victim.SiloAddress.ToString(), (await _hyperd.Client.StatusAsync(index)).Silo);
        for (int i = 0; i < ids.Length; i++)
        {
            QueryResult hit = await _hyperd.Client.SearchAsync(index, _data.ExtraRow(i), 1, timeout: KillRecoveryBound);
            Assert.Equal(ids[i], hit.Ids[0]);
        }
    }

    [Fact]
    public async Task AfterASiloIsKilled_SearchesAnswerAgainWithinSeconds()
    {
        const string index = "silo-kill";
        await _hyperd.BuildAsync(index, _data);
        // Every bucket probed, so the searches below must reach the killed silo's buckets.
        var everyBucket = new SearchOptions(LshHasher.BucketCount, 50);
        QueryResult before = await _hyperd.Client.SearchAsync(index, _data.Query(2), 10, everyBucket);
        IGrainFactory grains = _hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>(); // bucket grains are internal
        BucketStatus[] buckets = await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount)
            .Select(b => grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, b)).StatusAsync()));

        // Not the first silo: the in-process cluster's client keeps a gateway there.
        var victim = _hyperd.Cluster.Silos.Skip(1).First(s => buckets.Any(b => b.Silo == s.SiloAddress.ToString()));
        await Within.Phase("killing a secondary silo that holds buckets", _hyperd.Cluster.KillSiloAsync(victim));
        var clock = Stopwatch.StartNew();
        QueryResult? after = null;
        var failures = new List<string>();
        while (after is null && clock.Elapsed < KillRecoveryBound)
        {
            try
            {
                after = await _hyperd.Client.SearchAsync(index, _data.Query(2), 10, everyBucket, TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansException)
            {
                // Failing fast is allowed until the silo is declared dead and its buckets move; hanging is not.
                failures.Add($"{clock.Elapsed.TotalSeconds:F1} s {e.GetType().Name}");
            }
        }

        output.WriteLine($"first answer {clock.Elapsed.TotalSeconds:F1} s after the kill; failed before it: {string.Join("; ", failures)}");
        Assert.True(after is not null, $"no search answered within {KillRecoveryBound.TotalSeconds} s of the kill: {string.Join("; ", failures)}");
        Assert.Equal(before.Ids, after!.Ids);
    }

    [Fact]
    public async Task AppendsSurviveASiloRestart()
    {
        const string index = "restart";
        await _hyperd.BuildAsync(index, _data);
        float[] row = _data.ExtraRow(0);
        await _hyperd.Client.AppendAsync(index, [9_000_001], row);
        Assert.Equal(9_000_001, (await _hyperd.Client.SearchAsync(index, row, 1)).Ids[0]);

        foreach (var silo in _hyperd.Cluster.Silos.Skip(1).ToList())
        {
            await Within.Phase("restarting a secondary silo", _hyperd.Cluster.RestartSiloAsync(silo));
        }

        QueryResult afterRestart = await _hyperd.Client.SearchAsync(index, row, 1);
        Assert.Equal(9_000_001, afterRestart.Ids[0]);
        Assert.Equal(1f, afterRestart.Scores[0], 4);
    }
}
