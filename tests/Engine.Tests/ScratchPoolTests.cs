using System.Runtime.CompilerServices;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Build;
using Microsoft.Extensions.Time.Testing;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// Scratch buffers outlive a batch while the index is busy and are let go of once it idles; the answers are the
/// same with kept (dirty) buffers, released ones, and fresh ones.
/// </summary>
public sealed class ScratchPoolTests(Sq8IndexFixture fixture) : IClassFixture<Sq8IndexFixture>
{
    [Fact]
    public void EndBatchKeepsTheBuffersAndReleaseLetsGoOfThemAll()
    {
        var scratch = new SearchScratch();
        int[] pairs = scratch.Rent(ref scratch.PairClusters, 1 << 18);
        float[] scores = scratch.Rent(ref scratch.PlanScores, 10_000);

        scratch.EndBatch();
        Assert.Same(pairs, scratch.PairClusters);
        Assert.Same(scores, scratch.PlanScores);

        scratch.Release();
        Assert.Empty(scratch.PairClusters);
        Assert.Empty(scratch.PlanScores);
        Assert.Equal(new SearchScratch().Bytes, scratch.Bytes);
    }

    [Fact]
    public void AReturnedScratchKeepsItsBuffersUntilItHasIdledForIdleAfter()
    {
        var time = new FakeTimeProvider();
        using var pool = new ScratchPool(TimeSpan.FromHours(1), time);
        SearchScratch scratch = pool.Rent();
        int[] pairs = scratch.Rent(ref scratch.PairClusters, 1 << 18);
        pool.Return(scratch);

        // Rented again before it idled: the same scratch, its buffers kept.
        time.Advance(TimeSpan.FromMinutes(59));
        SearchScratch again = pool.Rent();
        Assert.Same(scratch, again);
        Assert.Same(pairs, again.PairClusters);
        pool.Return(again);

        // The timer's tick at one hour finds it returned a minute ago; the tick at two hours, 61 minutes ago.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Same(pairs, scratch.PairClusters);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(scratch.PairClusters);
        Assert.Same(scratch, pool.Rent());
    }

    [Fact]
    public void ConcurrentRentersGetTheirOwnScratchesAndTheLastReturnedComesFirst()
    {
        using var pool = new ScratchPool(TimeSpan.FromHours(1), new FakeTimeProvider());
        SearchScratch first = pool.Rent();
        SearchScratch second = pool.Rent();
        Assert.NotSame(first, second);

        pool.Return(first);
        pool.Return(second);
        Assert.Same(second, pool.Rent());
        Assert.Same(first, pool.Rent());
    }

    [Fact]
    public void TheSystemTimerReleasesAnIdleScratch()
    {
        using var pool = new ScratchPool(TimeSpan.FromMilliseconds(50));
        SearchScratch scratch = pool.Rent();
        scratch.Rent(ref scratch.PairClusters, 1 << 18);
        pool.Return(scratch);

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (scratch.PairClusters.Length > 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(20);
        }

        Assert.Empty(scratch.PairClusters);
    }

    [Fact]
    public void APoolNobodyDisposedIsStillCollected()
    {
        // Its timer holds it weakly: an index dropped without Dispose does not keep its buffers alive through the timer.
        WeakReference pool = Abandon();
        for (int i = 0; i < 10 && pool.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(pool.IsAlive);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Abandon() => new(new ScratchPool(TimeSpan.FromMilliseconds(10)));

    [Theory]
    [InlineData(VectorStorage.Float32)]
    [InlineData(VectorStorage.Sq8)]
    public void AnswersWithKeptAndReleasedBuffersAreThoseOfFreshOnes(VectorStorage storage)
    {
        VectorIndex index = storage == VectorStorage.Sq8 ? fixture.Sq8 : fixture.Float32;
        var parameters = new SearchParameters(6, 50);
        Neighbor[][] before = index.SearchBatch(fixture.Queries, Sq8IndexFixture.K, parameters, threads: 1);

        // 20 copies of the queries at k = 100: SQ8 candidate heaps of 4 × 100 per query (4.8 MB), kept by the pool with the batch's values.
        float[] many = [.. Enumerable.Repeat(fixture.Queries, 20).SelectMany(q => q)];
        Assert.Equal(Sq8IndexFixture.QueryCount * 20, index.SearchBatch(many, 100, parameters, threads: 1).Length);
        AssertSame(before, index.SearchBatch(fixture.Queries, Sq8IndexFixture.K, parameters, threads: 1));

        // Idle past IdleAfter, then released: the next batch grows every buffer again.
        Thread.Sleep(index.Scratches.IdleAfter);
        index.Scratches.ReleaseIdle();
        SearchScratch released = index.Scratches.Rent();
        Assert.Equal(new SearchScratch().Bytes, released.Bytes);
        index.Scratches.Return(released);
        AssertSame(before, index.SearchBatch(fixture.Queries, Sq8IndexFixture.K, parameters, threads: 1));
    }

    private static void AssertSame(Neighbor[][] expected, Neighbor[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int q = 0; q < expected.Length; q++)
        {
            Assert.Equal(expected[q], actual[q]);
        }
    }
}
