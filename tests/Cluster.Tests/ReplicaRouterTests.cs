using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Grains.Buckets;
using HyperdOrleans.Grains.Search;
using Orleans.Runtime;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>The coordinator's choice of replica alone, over fake replicas: failover, "not ready", stale, hedging, timeouts.</summary>
public sealed class ReplicaRouterTests
{
    private static readonly TimeSpan Attempt = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task AFailedReplicaIsFollowedByTheNextAndEveryCallAnswers()
    {
        var replicas = new[] { Fake.Failing(new SiloUnavailableException()), Fake.Answering(1) };
        var router = Router(replicas);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(1, (await SearchAsync(router)).Generation);
        }

        Assert.True(replicas[0].Calls > 0, "round robin never asked replica 0");
    }

    [Fact]
    public async Task TheContractsExceptionsAreNotFailedOver()
    {
        var replicas = new[] { Fake.Failing(new ArgumentException("bad k")), Fake.Failing(new ArgumentException("bad k")) };
        await Assert.ThrowsAsync<ArgumentException>(() => SearchAsync(Router(replicas)));
        Assert.Equal(1, replicas[0].Calls + replicas[1].Calls);
    }

    [Fact]
    public async Task WhenEveryReplicaFailsTheLastErrorIsThrown()
    {
        var replicas = new[] { Fake.Failing(new SiloUnavailableException()), Fake.Failing(new InvalidOperationException("damaged")) };
        Exception e = await Assert.ThrowsAnyAsync<Exception>(() => SearchAsync(Router(replicas)));
        Assert.True(e is SiloUnavailableException or InvalidOperationException);
    }

    [Fact]
    public async Task ANotReadyReplicaIsSkippedAndWhenNoneIsReadyTheFirstIsWaitedFor()
    {
        var loading = Fake.Loading(1);
        var ready = Fake.Answering(1);
        var router = Router([loading, ready]);
        for (int i = 0; i < 4; i++)
        {
            BucketSearchResult answer = await SearchAsync(router);
            Assert.False(answer.NotReady);
        }

        Assert.Equal(0, loading.WaitedFor);

        var allLoading = new[] { Fake.Loading(1), Fake.Loading(1) };
        BucketSearchResult waited = await SearchAsync(Router(allLoading));
        Assert.False(waited.NotReady);
        Assert.Equal(1, allLoading.Sum(r => r.WaitedFor));
    }

    [Fact]
    public async Task AReplicaBehindTheGenerationIsSkippedButANewerOneIsAnAnswer()
    {
        BucketSearchResult answer = await SearchAsync(Router([Fake.Answering(1, stale: true), Fake.Answering(2)]), generation: 2);
        Assert.Equal((2, false), (answer.Generation, answer.Stale));

        // Both newer than asked: the coordinator's route is old; the stale answer goes back so it refreshes.
        BucketSearchResult newer = await SearchAsync(Router([Fake.Answering(3, stale: true), Fake.Answering(3, stale: true)]), generation: 2);
        Assert.True(newer.Stale);
    }

    [Fact]
    public async Task AHangingReplicaIsLeftAfterTheAttemptTimeout()
    {
        var replicas = new[] { Fake.Hanging(), Fake.Answering(1) };
        var router = Router(replicas);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(1, (await SearchAsync(router)).Generation);
        }

        Assert.True(clock.Elapsed < Attempt * 4, $"took {clock.Elapsed}");
        Assert.Equal(1, replicas[0].Calls);
        Assert.Equal(1, replicas[0].Cancelled);
    }

    [Fact]
    public async Task WhenEveryReplicaIsOnlySlowerThanTheAttemptTimeout_OneIsWaitedFor_AndTheCallAnswers()
    {
        var replicas = new[] { Fake.Answering(1, delay: () => Attempt * 3), Fake.Answering(1, delay: () => Attempt * 3) };
        var clock = Stopwatch.StartNew();
        BucketSearchResult answer = await SearchAsync(Router(replicas));
        Assert.Equal(1, answer.Generation);
        Assert.Equal(3, replicas[0].Calls + replicas[1].Calls);
        Assert.True(clock.Elapsed < Attempt * 10, $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ACallSlowerThanTheBucketsP99IsHedgedAndTheLoserCancelled()
    {
        var slowdown = TimeSpan.Zero;
        var fast = Fake.Answering(1);
        var slow = Fake.Answering(1, delay: () => slowdown);
        var router = new ReplicaRouter((_, _, r) => r == 0 ? fast : slow, 2, TimeSpan.FromMinutes(1));

        // Fill the latency window with fast answers from both; then one replica turns slow.
        for (int i = 0; i < 40; i++)
        {
            await SearchAsync(router);
        }

        slowdown = TimeSpan.FromSeconds(30);
        int slowBefore = slow.Calls;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal(1, (await SearchAsync(router)).Generation);
        }

        // Without hedging, the calls that started on the slow replica would have waited for the 1 minute attempt timeout. (Few start
        // there: a replica whose calls are still in flight is asked after the other.)
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.True(slow.Calls - slowBefore >= 1, "no call started on the slow replica, so none was hedged");
        await Within.Eventually("the hedged losers to be cancelled", () => Task.FromResult(slow.Cancelled == slow.Calls - slowBefore));
    }

    [Fact]
    public async Task CallsGoToTheReplicaWithFewerInFlight_NotInTurnToOneThatLags()
    {
        // Replica 0 takes a second per call (a busy silo), replica 1 answers at once; no attempt times out, none is hedged.
        var lagging = Fake.Answering(1, delay: () => TimeSpan.FromSeconds(1));
        var quick = Fake.Answering(1);
        var router = new ReplicaRouter((_, _, r) => r == 0 ? lagging : quick, 2, TimeSpan.FromMinutes(1));

        // Twenty calls at once: in turn, ten would wait on the lagging replica; by calls in flight, it holds at most one.
        BucketSearchResult[] answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => SearchAsync(router)));
        Assert.All(answers, a => Assert.Equal(1, a.Generation));
        Assert.True(lagging.Calls <= 1, $"the lagging replica was asked {lagging.Calls} of 20 times");
        Assert.Equal(20, lagging.Calls + quick.Calls);
    }

    [Fact]
    public async Task OneReplicaIsAPlainCallThatWaitsUntilReady()
    {
        var only = Fake.Loading(1);
        BucketSearchResult answer = await SearchAsync(new ReplicaRouter((_, _, _) => only, 1, Attempt));
        Assert.False(answer.NotReady);
        Assert.Equal((1, 1), (only.Calls, only.WaitedFor));
    }

    private static ReplicaRouter Router(Fake[] replicas) => new((_, _, r) => replicas[r], replicas.Length, Attempt);

    private static Task<BucketSearchResult> SearchAsync(ReplicaRouter router, long generation = 1)
    {
        var request = new BucketSearchRequest(generation, 2, [1, 0], 1, 4, [0, 0], []);
        return router.CallAsync(
            "idx",
            0,
            (grain, waitReady, ct) => grain.SearchAsync(waitReady ? request with { WaitReady = true } : request, ct),
            r => r.NotReady ? ReplicaVerdict.NotReady : r.Stale && r.Generation < generation ? ReplicaVerdict.Behind : ReplicaVerdict.Answer,
            CancellationToken.None);
    }

    /// <summary>A bucket replica that only answers searches, the way a test tells it to. Thread-safe counters.</summary>
    private sealed class Fake(Func<BucketSearchRequest, CancellationToken, Task<BucketSearchResult>> search) : IBucketGrain
    {
        private int _calls;
        private int _cancelled;
        private int _waitedFor;

        public int Calls => Volatile.Read(ref _calls);

        public int Cancelled => Volatile.Read(ref _cancelled);

        public int WaitedFor => Volatile.Read(ref _waitedFor);

        public static Fake Answering(long generation, bool stale = false, Func<TimeSpan>? delay = null)
        {
            Fake? self = null;
            self = new Fake(async (_, ct) =>
            {
                if (delay?.Invoke() is { } d && d != TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(d, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        Interlocked.Increment(ref self!._cancelled);
                        throw;
                    }
                }

                return new BucketSearchResult(generation, stale, [new QueryResult([], [])], 0);
            });
            return self;
        }

        public static Fake Failing(Exception e) => new((_, _) => Task.FromException<BucketSearchResult>(e));

        public static Fake Hanging() => Answering(1, delay: () => Timeout.InfiniteTimeSpan);

        public static Fake Loading(long generation)
        {
            Fake? self = null;
            self = new Fake((request, _) =>
            {
                if (!request.WaitReady)
                {
                    return Task.FromResult(new BucketSearchResult(0, false, [], 0, NotReady: true));
                }

                Interlocked.Increment(ref self!._waitedFor);
                return Task.FromResult(new BucketSearchResult(generation, false, [new QueryResult([], [])], 0));
            });
            return self;
        }

        public Task<BucketSearchResult> SearchAsync(BucketSearchRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return search(request, cancellationToken);
        }

        public Task<BucketCentroids> GetCentroidsAsync(long generation, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<BucketMatchCount> CountMatchesAsync(
            long generation, FieldFilter filter, DataField[] fields, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<BucketRows> ReadRowsAsync(BucketReadRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<BucketStatus> StatusAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<long> ApplyAsync(BucketMutation mutation, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<PendingExport> ExportPendingAsync(
            string? storeName, long through, bool salvage, DataField[]? fields = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task PrepareGenerationAsync(BucketGeneration generation, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<PendingRows> CommitGenerationAsync(BucketGeneration generation, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task AbortGenerationAsync(long generation, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DropAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task ConfirmAsync(long acknowledged, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task MoveToAsync(SiloAddress silo, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
