using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// The shared cluster budget: a query scans the best lshProbes × nprobe clusters of all the buckets it probes,
/// ranked together, and finds at least what the per-bucket rule finds with the same number of clusters.
/// </summary>
[Collection(ClusteredIndexCollection.Name)]
public sealed class SharedBudgetTests(ClusteredIndexFixture fixture)
{
    private const int K = ClusteredIndexFixture.K;
    private const int D = ClusteredIndexFixture.Dimensions;

    [Theory]
    [InlineData(1, 3)]
    [InlineData(4, 5)]
    [InlineData(6, 50)]
    [InlineData(8, 10_000)]
    public void PlansTheBestCentroidsOfTheProbedBucketsTogether(int lshProbes, int nprobe)
    {
        // 40 queries: whole blocks of the blocked ranking and single queries both plan here.
        VectorIndex index = fixture.Index;
        const int Queries = 40;
        float[] unit = VectorIndex.PrepareQueries(fixture.Queries.AsSpan(0, Queries * D), D);
        int[] orders = new int[Queries * LshHasher.BucketCount];
        for (int q = 0; q < Queries; q++)
        {
            index.Hasher.ProbeOrder(unit.AsSpan(q * D, D), orders.AsSpan(q * LshHasher.BucketCount, LshHasher.BucketCount));
        }

        ProbePlan plan = index.Planner.Plan(unit, D, [.. Enumerable.Range(0, Queries)], orders, lshProbes, nprobe, new SearchScratch());

        for (int q = 0; q < Queries; q++)
        {
            // Brute force: every probed bucket's centroid scores, one list, best first.
            int[] probed = orders.AsSpan(q * LshHasher.BucketCount, lshProbes).ToArray();
            var scored = new List<(int Bucket, int Cluster, float Score)>();
            foreach (int b in probed)
            {
                if (index.Bucket(b) is { } bucket)
                {
                    var scores = new float[bucket.Clusters];
                    bucket.Quantizer.Score(unit.AsSpan(q * D, D), scores);
                    scored.AddRange(scores.Select((s, c) => (b, c, s)));
                }
            }

            int budget = (int)Math.Min((long)lshProbes * nprobe, scored.Count);
            var expected = scored.OrderByDescending(x => x.Score).Take(budget).Select(x => (x.Bucket, x.Cluster)).ToHashSet();
            var actual = new HashSet<(int, int)>();
            foreach (int b in probed)
            {
                int row = plan.Queries(b).IndexOf(q);
                Assert.True(row >= 0, $"query {q} is missing from bucket {b}, which it probes");
                foreach (int c in plan.Clusters(b)[plan.Offsets(b)[row]..plan.Offsets(b)[row + 1]])
                {
                    Assert.True(actual.Add((b, c)), $"query {q} scans cluster {c} of bucket {b} twice");
                }
            }

            Assert.Equal(budget, actual.Count);
            Assert.Equal(expected, actual);
        }

        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            Assert.All(plan.Queries(b).ToArray(), q => Assert.Contains(b, orders.AsSpan(q * LshHasher.BucketCount, lshProbes).ToArray()));
        }
    }

    [Fact]
    public void FindsAtLeastWhatPerBucketProbesFindWithTheSameClusters()
    {
        // Same clusters in all (6 × 5 per query); the per-bucket rule spends a sixth of them in each bucket, however far.
        double shared = Recall(new SearchParameters(6, 5, Budget: ProbeBudget.Shared));
        double perBucket = Recall(new SearchParameters(6, 5, Budget: ProbeBudget.PerBucket));
        Assert.True(shared >= perBucket, $"shared budget recall@10 {shared:F4} < per-bucket {perBucket:F4}");
        Assert.True(shared > 0.5, $"shared budget recall@10 {shared:F4}");
    }

    [Fact]
    public void ScanningEveryClusterOfEveryBucketIsExact()
    {
        Neighbor[][] all = fixture.Index.SearchBatch(fixture.Queries, K, new SearchParameters(8, 100_000, Budget: ProbeBudget.Shared));
        for (int q = 0; q < all.Length; q++)
        {
            Assert.Equal(fixture.Exact[q].Select(n => n.Id), all[q].Select(n => n.Id));
        }
    }

    [Theory]
    [InlineData(ProbeBudget.Shared)]
    [InlineData(ProbeBudget.PerBucket)]
    public void BatchSizeAndPassesDoNotChangeAnswers(ProbeBudget budget)
    {
        var parameters = new SearchParameters(5, 12, Budget: budget);
        Neighbor[][] whole = fixture.Index.SearchBatch(fixture.Queries, K, parameters, threads: 1);
        foreach (int size in new[] { 1, 5, 6, 17 })
        {
            var pieces = new List<Neighbor[]>();
            for (int first = 0; first < whole.Length; first += size)
            {
                int count = Math.Min(size, whole.Length - first);
                pieces.AddRange(fixture.Index.SearchBatch(fixture.Queries.AsSpan(first * D, count * D), K, parameters, threads: 1));
            }

            TestVectors.AssertIdentical(whole, [.. pieces]);
        }

        // A worker plans and scans its queries in passes of a bounded number of (query, cluster) pairs; with the
        // bound lowered, the 200 queries at 60 clusters each take 20 passes of 10 queries.
        long bound = fixture.Index.PairsPerPass;
        try
        {
            fixture.Index.PairsPerPass = budget == ProbeBudget.Shared ? 5 * 12 * 10 : 12 * 10;
            Neighbor[][] passes = fixture.Index.SearchBatch(fixture.Queries, K, parameters, threads: 1);
            Assert.All(passes, p => Assert.NotNull(p));
            TestVectors.AssertIdentical(whole, passes);
        }
        finally
        {
            fixture.Index.PairsPerPass = bound;
        }
    }

    [Fact]
    public void AssignedClustersAreChecked()
    {
        BucketIndex bucket = Enumerable.Range(0, LshHasher.BucketCount).Select(fixture.Index.Bucket).First(b => b is not null)!;
        float[] unit = VectorIndex.PrepareQueries(fixture.Queries.AsSpan(0, D), D);
        TopK[] heaps = [new TopK(K)];
        var scratch = new SearchScratch();

        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(
            () => bucket.SearchAssigned(unit, [0], [0, 1], [bucket.Clusters], heaps, scratch, excluded: null));
        Assert.Contains($"clusters 0 to {bucket.Clusters - 1}", outOfRange.Message);
        Assert.Throws<ArgumentException>(() => bucket.SearchAssigned(unit, [0], [0], [1], heaps, scratch, excluded: null));
        Assert.Throws<ArgumentException>(() => bucket.SearchAssigned(unit, [0], [0, 2], [1], heaps, scratch, excluded: null));
        Assert.Equal(0, heaps[0].Count);

        bucket.SearchAssigned(unit, [0], [0, 1], [0], heaps, scratch, excluded: null);
        Assert.Equal(Math.Min(K, bucket.Lists.ListSize(0)), heaps[0].Count);
    }

    [Fact]
    public void UnknownBudgetIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => fixture.Index.SearchBatch(fixture.Queries, K, new SearchParameters(Budget: (ProbeBudget)7)));
        Assert.Equal("Budget", e.ParamName);
    }

    private double Recall(SearchParameters parameters) =>
        Search.Recall.AtK(fixture.Index.SearchBatch(fixture.Queries, K, parameters), fixture.Exact, K);
}
