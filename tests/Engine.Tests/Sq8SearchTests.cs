using System.Numerics.Tensors;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using Xunit.Abstractions;

namespace HyperdOrleans.Engine.Tests;

/// <summary>Searching an SQ8 index: recall against float32 at the same probes, exact returned scores, deletes, bytes scanned.</summary>
public sealed class Sq8SearchTests(Sq8IndexFixture fixture, ITestOutputHelper output) : IClassFixture<Sq8IndexFixture>
{
    private const int K = Sq8IndexFixture.K;
    private const int D = Sq8IndexFixture.Dimensions;

    public static TheoryData<int, int> Probes => new() { { 1, 1 }, { 2, 5 }, { 5, 5 }, { 6, 50 } };

    [Theory]
    [MemberData(nameof(Probes))]
    public void RecallIsWithinOneHundredthOfFloat32AtTheSameProbes(int lshProbes, int nprobe)
    {
        var parameters = new SearchParameters(lshProbes, nprobe);

        double f32 = Recall.AtK(fixture.Float32.SearchBatch(fixture.Queries, K, parameters), fixture.Exact, K);
        Neighbor[][] answers = fixture.Sq8.SearchBatch(fixture.Queries, K, parameters);
        double sq8 = Recall.AtK(answers, fixture.Exact, K);

        output.WriteLine($"{parameters}: recall@{K} float32 {f32:F4}, sq8 {sq8:F4}");
        TestVectors.AssertWellFormed(answers, K);
        Assert.True(sq8 >= f32 - 0.01, $"sq8 recall@{K} {sq8:F4} is more than 0.01 below float32's {f32:F4} at {parameters}");
    }

    [Fact]
    public void DefaultSettingsReachRecallOf95Percent()
    {
        Assert.True(fixture.Sq8.IsQuantized);

        double recall = Recall.AtK(fixture.Sq8.SearchBatch(fixture.Queries, K), fixture.Exact, K);

        output.WriteLine($"sq8 recall@{K} at defaults: {recall:F4}");
        Assert.True(recall >= 0.95, $"sq8 recall@{K} at default settings is {recall:F4}, below 0.95");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void ReturnedScoresAreTheExactFloat32DotProducts(int rerank)
    {
        float[] unitQueries = TestVectors.Unit(fixture.Queries, D);
        Neighbor[][] answers = fixture.Sq8.SearchBatch(fixture.Queries, K, new SearchParameters(3, 10, rerank));

        for (int q = 0; q < answers.Length; q++)
        {
            foreach (Neighbor hit in answers[q])
            {
                float exact = TensorPrimitives.Dot(fixture.UnitBase.AsSpan((int)hit.Id * D, D), unitQueries.AsSpan(q * D, D));
                Assert.True(MathF.Abs(exact - hit.Score) <= 1e-5f, $"query {q}, id {hit.Id}: score {hit.Score} differs from the exact {exact}");
            }
        }
    }

    [Fact]
    public void MoreRerankNeverLowersRecall()
    {
        double[] recalls = [.. new[] { 1, 2, 4, 16 }.Select(r => Recall.AtK(
            fixture.Sq8.SearchBatch(fixture.Queries, K, new SearchParameters(6, 50, r)),
            fixture.Exact,
            K))];

        output.WriteLine($"recall@{K} by rerank 1, 2, 4, 16: {string.Join(", ", recalls.Select(r => r.ToString("F4")))}");
        for (int i = 1; i < recalls.Length; i++)
        {
            Assert.True(recalls[i] >= recalls[i - 1] - 0.002, $"recall fell from {recalls[i - 1]:F4} to {recalls[i]:F4} with more rerank");
        }
    }

    [Fact]
    public void ExcludedIdsAreNeverReturned()
    {
        float[] unit = TestVectors.Unit(fixture.Queries, D);
        int n = fixture.Queries.Length / D;
        var heaps = new TopK[n];
        int[] members = [.. Enumerable.Range(0, n)];
        for (int q = 0; q < n; q++)
        {
            heaps[q] = new TopK(K);
        }

        // Hide every exact neighbour: the search has to find the next ones instead.
        var hidden = fixture.Exact.SelectMany(a => a.Select(x => x.Id)).ToHashSet();
        var scratch = new SearchScratch();
        var orders = new int[n * 8];
        for (int q = 0; q < n; q++)
        {
            fixture.Sq8.Hasher.ProbeOrder(unit.AsSpan(q * D, D), orders.AsSpan(q * 8, 8));
        }

        ProbePlan plan = fixture.Sq8.Planner.PlanPerBucket(unit, D, members, orders, 8, 50, scratch);
        for (int b = 0; b < 8; b++)
        {
            fixture.Sq8.Bucket(b)?.SearchAssigned(unit, plan.Queries(b), plan.Offsets(b), plan.Clusters(b), heaps, scratch, hidden.Contains);
        }

        for (int q = 0; q < n; q++)
        {
            Neighbor[] answer = heaps[q].ToSortedArray();
            Assert.Equal(K, answer.Length);
            Assert.DoesNotContain(answer, x => hidden.Contains(x.Id));
        }
    }

    [Fact]
    public void Sq8ScansAQuarterOfTheBytesOfFloat32()
    {
        var parameters = new SearchParameters(6, 50);
        var f32 = new SearchStats();
        var sq8 = new SearchStats();

        fixture.Float32.SearchBatch(fixture.Queries, K, parameters, threads: 2, f32);
        fixture.Sq8.SearchBatch(fixture.Queries, K, parameters, threads: 2, sq8);

        output.WriteLine($"bytes/query float32 {f32.BytesPerQuery:N0}, sq8 {sq8.BytesPerQuery:N0} ({sq8.RerankBytes / (double)sq8.Queries:N0} of "
            + $"them re-rank)");
        Assert.Equal(Sq8IndexFixture.QueryCount, f32.Queries);
        Assert.Equal(f32.RowsScanned, sq8.RowsScanned); // same centroids, same clusters probed
        Assert.Equal(f32.BytesScanned, sq8.BytesScanned * 4);
        Assert.Equal(0, f32.RerankRows);
        Assert.InRange(sq8.RerankRows, 1, (long)f32.Queries * parameters.LshProbes * K * parameters.Rerank);
        Assert.True(sq8.BytesPerQuery < f32.BytesPerQuery / 3, $"sq8 reads {sq8.BytesPerQuery:N0} bytes per query, float32 {f32.BytesPerQuery:N0}");
    }

    [Fact]
    public void Float32IndexHasNoCodesAndSq8KeepsTheSameLists()
    {
        Assert.False(fixture.Float32.IsQuantized);
        Assert.All(fixture.Float32.Manifest.Buckets, b => Assert.Null(b.CodesFile));
        Assert.DoesNotContain("codesFile", File.ReadAllText(Path.Combine(fixture.Float32Directory, "manifest.json")));
        foreach (var (f, s) in fixture.Float32.Manifest.Buckets.Zip(fixture.Sq8.Manifest.Buckets).Where(p => p.First.Count > 0))
        {
            Assert.NotNull(s.CodesFile);
            Assert.Equal(f.ListsChecksum, s.ListsChecksum);
            long listsBytes = new FileInfo(Path.Combine(fixture.Sq8Directory, s.ListsFile!)).Length;
            long codesBytes = new FileInfo(Path.Combine(fixture.Sq8Directory, s.CodesFile!)).Length;
            Assert.InRange(codesBytes, s.Count * D, (s.Count * D) + 4096);
            Assert.True(codesBytes * 4 < listsBytes + (4 * 4096), $"codes {codesBytes} bytes vs lists {listsBytes}");
        }
    }

    [Fact]
    public void ClustersLargerThanOneScanBlockAreScoredWhole()
    {
        // 4 clusters per bucket: about 1,900 rows each, so the code scan takes several 256-row blocks and a remainder.
        using var folder = new TempDirectory("sq8-blocks");
        IndexBuilder.Build(
            new VectorFileSource(fixture.Base),
            folder.Path,
            Sq8IndexFixture.Options with { Storage = VectorStorage.Sq8, Clusters = 4, MinPointsPerCluster = 1 });
        using VectorIndex index = VectorIndex.Open(folder.Path);
        Assert.True(index.Manifest.Buckets.Min(b => b.Count / b.Clusters) > 1000);

        // Every cluster of every bucket probed, a deep re-rank: what remains is the code scan's ranking, which must keep the true top-k.
        Neighbor[][] answers = index.SearchBatch(fixture.Queries, K, new SearchParameters(8, 4, Rerank: 8));
        double recall = Recall.AtK(answers, fixture.Exact, K);

        output.WriteLine($"sq8, 4 clusters per bucket, everything probed: recall@{K} {recall:F4}");
        Assert.True(recall >= 0.99, $"recall@{K} {recall:F4} with every cluster probed: rows of some scan block were mis-scored");
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(6, 50)]
    public void SingleQuerySearchMatchesTheBatch(int lshProbes, int nprobe)
    {
        // At (6, 50) most clusters are probed by many queries of the batch, so the batch scores codes in register
        // blocks while a query alone takes one multiply-add pass per cluster: the same candidates either way.
        var parameters = new SearchParameters(lshProbes, nprobe);
        Neighbor[][] batch = fixture.Sq8.SearchBatch(fixture.Queries, K, parameters, threads: 2);

        for (int q = 0; q < 20; q++)
        {
            Assert.Equal(batch[q], fixture.Sq8.Search(fixture.Queries.AsSpan(q * D, D), K, parameters));
        }
    }

    [Fact]
    public void RerankBelowOneIsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => fixture.Sq8.Search(fixture.Queries.AsSpan(0, D), K, new SearchParameters(2, 5, 0)));

        Assert.Contains("rerank", error.Message);
    }

    [Fact]
    public void UnknownStorageIsRefusedByTheBuild()
    {
        using var folder = new TempDirectory("sq8-bad-storage");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => IndexBuilder.Build(
            new Io.VectorFileSource(fixture.Base),
            folder.File("index"),
            new IndexBuildOptions { Storage = (VectorStorage)7 }));

        Assert.Contains("storage", error.Message);
    }
}
