using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace HyperdOrleans.Cluster.Tests;

[Collection(SharedClusterCollection.Name)]
public sealed class MutationTests(SharedClusterFixture fixture)
{
    private const long FirstNewId = 1_000_000;

    [Fact]
    public async Task AppendsAreFoundAtOnceDeletesNeverReturnedAndBothHoldAcrossRebuild()
    {
        const string index = "mutations";
        HyperdClient client = fixture.Hyperd.Client;
        TestData data = fixture.Data;
        IndexStatus first = await fixture.Hyperd.BuildAsync(index, data);

        // Appends: 20 new ids, each found by the very next query for its own vector.
        long[] newIds = [.. Enumerable.Range(0, 20).Select(i => FirstNewId + i)];
        await client.AppendAsync(index, newIds, [.. Enumerable.Range(0, 20).SelectMany(data.ExtraRow)]);

        // Replace: id 7 gets a new vector; its old vector no longer finds it with score 1.
        float[] oldSeven = data.BaseRow(7);
        float[] newSeven = data.ExtraRow(40);
        await client.AppendAsync(index, [7], newSeven);

        // Delete: the 10 best answers to a query, then the query again.
        QueryResult victims = await client.SearchAsync(index, data.Query(5), 10);
        await client.DeleteAsync(index, victims.Ids);

        await AssertMutationsVisible("before the rebuild");
        IndexStatus pending = await client.StatusAsync(index);
        Assert.Equal(20 + 1 + 10, pending.PendingOperations);

        IndexStatus rebuilt = await Within.Phase("rebuild folding appends and deletes", client.BuildAsync(index, new BuildRequest()));
        Assert.True(rebuilt.Generation > first.Generation);
        Assert.Equal(data.Count + 20 - 10, rebuilt.Count);
        Assert.Equal(0, rebuilt.PendingOperations);
        await AssertMutationsVisible("after the rebuild");

        async Task AssertMutationsVisible(string when)
        {
            for (int i = 0; i < newIds.Length; i++)
            {
                QueryResult hit = await client.SearchAsync(index, data.ExtraRow(i), 1);
                Assert.True(hit.Ids[0] == newIds[i], $"{when}: appended id {newIds[i]} was not the top hit of its own vector (got {hit.Ids[0]})");
                Assert.Equal(1f, hit.Scores[0], 4);
            }

            QueryResult seven = await client.SearchAsync(index, newSeven, 1);
            Assert.Equal(7, seven.Ids[0]);
            QueryResult oldHit = await client.SearchAsync(index, oldSeven, 5);
            Assert.DoesNotContain(oldHit.Ids.Zip(oldHit.Scores), h => h.First == 7 && h.Second > 0.9999f);

            QueryResult again = await client.SearchAsync(index, data.Query(5), 50);
            Assert.Empty(again.Ids.Intersect(victims.Ids));
            Assert.Equal(50, again.Count);
        }
    }

    [Fact]
    public async Task KCountsPendingRows_AndAKBeyondEveryRowGetsEveryRow()
    {
        const string index = "k-with-pending";
        HyperdClient client = fixture.Hyperd.Client;
        var data = new TestData(fixture.Hyperd.Root, 1_000);
        await fixture.Hyperd.BuildAsync(index, data, clusters: 40);
        long[] added = [.. Enumerable.Range(0, 20).Select(i => FirstNewId + i)];
        await client.AppendAsync(index, added, [.. Enumerable.Range(0, 20).SelectMany(data.ExtraRow)]);

        // More than the built rows: the appended ones make up the difference; more than every row: every row.
        int k = data.Count + 20;
        QueryResult all = await client.SearchAsync(index, data.Query(0), k + 5, new SearchOptions(LshHasher.BucketCount, 1));
        Assert.Equal(k, all.Count);
        Assert.Equal(k, all.Ids.Distinct().Count());
        Assert.Subset(all.Ids.ToHashSet(), added.ToHashSet());
    }

    [Fact]
    public async Task PendingOperationsCountEachIdOnce_AlsoAfterEveryGrainRestarts()
    {
        const string index = "pending-count";
        HyperdClient client = fixture.Hyperd.Client;
        await fixture.Hyperd.BuildAsync(index, fixture.Data);
        await client.AppendAsync(index, [FirstNewId, FirstNewId + 1, FirstNewId + 2], Rows(0, 3));
        await client.AppendAsync(index, [FirstNewId + 1, FirstNewId + 2, FirstNewId + 3], Rows(3, 3));
        MutationResult deleted = await client.DeleteAsync(index, [FirstNewId, 5]);
        Assert.Equal(5, deleted.PendingOperations); // four new ids and id 5

        IGrainFactory grains = fixture.Hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IIndexGrain>(index).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal(5, (await client.StatusAsync(index)).PendingOperations);

        float[] Rows(int first, int count) => [.. Enumerable.Range(first, count).SelectMany(fixture.Data.ExtraRow)];
    }

    [Fact]
    public async Task AppendsArrivingDuringARebuildStaySearchableAfterTheSwitch()
    {
        const string index = "appends-during-rebuild";
        HyperdTestCluster hyperd = fixture.Hyperd;
        await hyperd.BuildAsync(index, fixture.Data);
        hyperd.Gate.Close();
        try
        {
            IndexStatus started = await hyperd.Client.BuildAsync(index, new BuildRequest(), wait: false);
            await Within.Phase("build jobs at the gate", hyperd.Gate.ArrivedAsync(LshHasher.BucketCount));
            await hyperd.Client.AppendAsync(index, [FirstNewId + 500], fixture.Data.ExtraRow(50));
            await hyperd.Client.DeleteAsync(index, [3]);
            hyperd.Gate.Open();
            IndexStatus after = await Within.Phase("the rebuild to finish", hyperd.Client.WaitForRebuildAsync(index, started.Rebuild!.Generation));

            // The rebuild's snapshot preceded both: they stay pending, and the new planes re-home the append.
            Assert.Equal(2, after.PendingOperations);
            Assert.Equal(
                FirstNewId + 500,
                (await hyperd.Client.SearchAsync(index, fixture.Data.ExtraRow(50), 1, new SearchOptions(LshProbes: 1))).Ids[0]);
            QueryResult three = await hyperd.Client.SearchAsync(index, fixture.Data.BaseRow(3), 5);
            Assert.DoesNotContain(3L, three.Ids);
        }
        finally
        {
            hyperd.Gate.Open();
        }
    }
}
