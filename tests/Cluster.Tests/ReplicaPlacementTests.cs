using System.Net;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;
using HyperdOrleans.Grains.Index;
using HyperdOrleans.Grains.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>The replica placement director and the balancer's choice of move, alone: fake silo lists, no cluster.</summary>
public sealed class ReplicaPlacementTests
{
    private static readonly SiloAddress[] Silos = [.. Enumerable.Range(0, 5).Select(i => Silo(11111 + i))];

    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 3)]
    [InlineData(3, 5)]
    [InlineData(5, 5)]
    public async Task ReplicasOfABucketGoToDistinctSilosWhenThereAreEnough(int replicas, int silos)
    {
        var context = new FakeContext(Silos[..silos]);
        var director = new BucketReplicaPlacementDirector();
        foreach (string index in new[] { "a", "idx-2", "vectors" })
        {
            for (int b = 0; b < LshHasher.BucketCount; b++)
            {
                SiloAddress[] placed = await Task.WhenAll(Enumerable.Range(0, replicas)
                    .Select(r => director.OnAddActivation(BucketReplicaPlacement.Instance, Target(GrainKeys.Bucket(index, b, r)), context)));
                Assert.Equal(replicas, placed.Distinct().Count());
            }
        }
    }

    [Fact]
    public void TheRankingIsStableAndIndependentOfTheSilosOrder()
    {
        SiloAddress[] first = BucketReplicaPlacementDirector.Rank("idx/3", Silos);
        SiloAddress[] shuffled = BucketReplicaPlacementDirector.Rank("idx/3", [.. Silos.Reverse()]);
        Assert.Equal(first, shuffled);
        Assert.Equal(first, BucketReplicaPlacementDirector.Rank("idx/3", Silos));

        // A silo restarted on its endpoint (a new generation) keeps its rank.
        SiloAddress[] restarted = [.. Silos.Select(s => SiloAddress.New(s.Endpoint, s.Generation + 1))];
        Assert.Equal(first.Select(s => s.Endpoint), BucketReplicaPlacementDirector.Rank("idx/3", restarted).Select(s => s.Endpoint));

        // Buckets rank silos differently, so replicas spread over the cluster rather than pile on one silo.
        var leaders = Enumerable.Range(0, LshHasher.BucketCount).Select(b => BucketReplicaPlacementDirector.Rank($"idx/{b}", Silos)[0]).Distinct();
        Assert.True(leaders.Count() > 1);
    }

    [Fact]
    public void WhenASiloLeavesTheOthersKeepTheirOrderAndItsReplicasGoToTheNextRanked()
    {
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            string bucket = $"idx/{b}";
            SiloAddress[] all = BucketReplicaPlacementDirector.Rank(bucket, Silos);
            SiloAddress leaving = all[0];
            SiloAddress[] after = BucketReplicaPlacementDirector.Rank(bucket, [.. Silos.Where(s => !s.Equals(leaving))]);
            Assert.Equal(all.Skip(1), after);

            // Replica 0 lived on the silo that left: it re-activates on the silo that ranked next, which holds no other replica
            // of the bucket when there are more silos than replicas... except replica 1's: the balancer separates those.
            Assert.Equal(all[1], BucketReplicaPlacementDirector.Place(bucket, 0, [.. Silos.Where(s => !s.Equals(leaving))]));
            Assert.DoesNotContain(leaving, after);
        }
    }

    [Fact]
    public async Task APlacementHintWins()
    {
        var context = new FakeContext(Silos[..3]);
        string key = GrainKeys.Bucket("idx", 1, 1);
        SiloAddress ranked = BucketReplicaPlacementDirector.Place(GrainKeys.BucketOf(key), 1, Silos[..3]);
        SiloAddress other = Silos[..3].First(s => !s.Equals(ranked));
        var target = new PlacementTarget(Id(key), new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = other }, default, 0);
        Assert.Equal(other, await new BucketReplicaPlacementDirector().OnAddActivation(BucketReplicaPlacement.Instance, target, context));
    }

    [Fact]
    public void KeysOfReplicasRoundTrip()
    {
        Assert.Equal("idx/3", GrainKeys.Bucket("idx", 3));
        Assert.Equal(("my.index", 7, 0), GrainKeys.ParseReplica(GrainKeys.Bucket("my.index", 7, 0)));
        Assert.Equal(("my.index", 7, 2), GrainKeys.ParseReplica(GrainKeys.Bucket("my.index", 7, 2)));
        Assert.Equal(("my.index", 7), GrainKeys.ParseBucket(GrainKeys.Bucket("my.index", 7, 2)));
        Assert.Equal("my.index/7", GrainKeys.BucketOf(GrainKeys.Bucket("my.index", 7, 5)));
    }

    [Fact]
    public void TheBalancerSeparatesReplicasThatShareASiloAndNeverJoinsThem()
    {
        SiloAddress[] silos = Silos[..3];

        // Both replicas of bucket 0 on silo 0 (placement re-ranked after a silo left): one of them moves, not to silo 0.
        BucketStatus[] shared = [Status(0, 0, silos[0]), Status(0, 1, silos[0]), Status(1, 0, silos[1]), Status(1, 1, silos[2])];
        BalanceMove move = Assert.IsType<BalanceMove>(IndexGrain.PickMove(silos, shared));
        Assert.Equal((0, 1), (move.Replica.Bucket, move.Replica.Replica));
        Assert.NotEqual(silos[0], move.To);

        // Silos 0 and 1 hold 4 replicas each, silo 2 none: one moves there, never beside its sibling.
        BucketStatus[] crowded =
        [
            .. Enumerable.Range(0, 4).Select(b => Status(b, 0, silos[0])),
            .. Enumerable.Range(0, 4).Select(b => Status(b, 1, silos[1])),
        ];
        BalanceMove spread = Assert.IsType<BalanceMove>(IndexGrain.PickMove(silos, crowded));
        Assert.Equal(silos[2], spread.To);
        Assert.DoesNotContain(crowded, r => r.Bucket == spread.Replica.Bucket && r.Silo == spread.To.ToString());

        // Silo 0 is fuller than silo 1, but silo 1 holds the other replica of every bucket silo 0 has: nothing may move.
        BucketStatus[] blocked =
        [
            Status(0, 0, silos[0]), Status(1, 0, silos[0]), Status(0, 2, silos[0]), Status(1, 2, silos[0]),
            Status(0, 1, silos[1]), Status(1, 1, silos[1]),
        ];
        Assert.Null(IndexGrain.PickMove(silos[..2], blocked));
    }

    private static BucketStatus Status(int bucket, int replica, SiloAddress silo) =>
        new("idx", bucket, 1, 100, 4, 0, 0, silo.ToString(), 0, replica);

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    private static GrainId Id(string key) => GrainId.Create("bucket", key);

    private static PlacementTarget Target(string key) => new(Id(key), [], default, 0);

    private sealed class FakeContext(SiloAddress[] silos) : IPlacementContext
    {
        public SiloAddress LocalSilo => silos[0];

        public SiloStatus LocalSiloStatus => SiloStatus.Active;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => silos;

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) =>
            new Dictionary<ushort, SiloAddress[]> { [0] = silos };
    }
}
