using System.Numerics.Tensors;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Search.Blocked;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// The blocked scan (several queries against each row at once) keeps exactly the hits, with exactly the scores,
/// that one <c>TensorPrimitives.Dot</c> per row and query keeps; ranked centroids match the one-query ranking bit for bit.
/// </summary>
public sealed class BlockedScanTests
{
    public static TheoryData<int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (int lanes in new[] { 4, 8, 16 })
        {
            foreach ((int active, int rows, int d) in new[] { (1, 1, 1), (1, 9, 3), (2, 7, 70), (3, 8, 70), (4, 100, 70), (4, 33, 100) })
            {
                data.Add(lanes, Math.Min(lanes, active * lanes / 4), rows, d);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void KeepsWhatOneDotPerRowKeeps(int lanes, int active, int rows, int d)
    {
        // Every width runs here: a width the CPU lacks is emulated by .NET, slower but with the same results.
        const int K = 5;
        float[] vectors = TestVectors.Unit(TestVectors.RandomRows(rows, d, seed: rows + d), d);
        float[] queries = TestVectors.Unit(TestVectors.RandomRows(active, d, seed: 7 * active), d);
        long[] ids = Enumerable.Range(0, rows).Select(r => 1000L + (r * 3)).ToArray();

        TopK[] blocked = Scan(lanes, vectors, ids, queries, d, K, exact: true, default(AllRows));
        for (int q = 0; q < active; q++)
        {
            TopK expected = DotScan(vectors, ids, queries.AsSpan(q * d, d), d, K, _ => true);
            Assert.Equal(expected.ToSortedArray(), blocked[q].ToSortedArray());
        }
    }

    [Fact]
    public void SkipsExcludedRowsAndRespectsAHeapAlreadyHoldingHits()
    {
        const int D = 70, Rows = 203, K = 10;
        float[] vectors = TestVectors.Unit(TestVectors.RandomRows(Rows, D, seed: 11), D);
        float[] queries = TestVectors.Unit(TestVectors.RandomRows(6, D, seed: 12), D);
        long[] ids = Enumerable.Range(0, Rows).Select(r => (long)r).ToArray();
        Predicate<long> excluded = id => id % 3 == 0;
        int lanes = Math.Max(4, BlockedScan.LanesFor(6));

        var block = new QueryBlock();
        block.Begin(lanes, D, exactScores: true);
        var heaps = new TopK[6];
        for (int q = 0; q < 6; q++)
        {
            // Strong earlier hits from another list: the scan must only add rows that beat them.
            heaps[q] = new TopK(K);
            heaps[q].Add(-1 - q, 0.2f);
            heaps[q].Add(-100 - q, 0.9f);
            block.Add(queries.AsSpan(q * D, D), heaps[q]);
        }

        BlockedScan.Run(vectors, ids, D, block, new ExceptExcluded(excluded));
        for (int q = 0; q < 6; q++)
        {
            TopK expected = DotScan(vectors, ids, queries.AsSpan(q * D, D), D, K, id => !excluded(id));
            expected.Add(-1 - q, 0.2f);
            expected.Add(-100 - q, 0.9f);
            Neighbor[] hits = heaps[q].ToSortedArray();
            Assert.Equal(expected.ToSortedArray(), hits);
            Assert.DoesNotContain(hits, h => h.Id >= 0 && excluded(h.Id));
            Assert.Contains(hits, h => h.Id == -100 - q);
        }
    }

    [Fact]
    public void RanksCentroidsBitForBitAsTheOneQueryPath()
    {
        const int D = 70, Centroids = 1000, Probes = 7, Queries = 16;
        float[] centroids = TestVectors.Unit(TestVectors.RandomRows(Centroids, D, seed: 21), D);
        float[] queries = TestVectors.Unit(TestVectors.RandomRows(Queries, D, seed: 22), D);
        var scorer = new CentroidScorer(centroids, D);
        long[] ids = Enumerable.Range(0, Centroids).Select(c => (long)c).ToArray();
        int lanes = Math.Max(4, BlockedScan.LanesFor(Queries));

        for (int first = 0; first < Queries; first += lanes)
        {
            TopK[] blocked = Scan(
                lanes,
                centroids,
                ids,
                queries.AsSpan(first * D, Math.Min(lanes, Queries - first) * D).ToArray(),
                D,
                Probes,
                exact: false,
                default(AllRows));
            for (int q = 0; q < Math.Min(lanes, Queries - first); q++)
            {
                var scores = new float[Centroids];
                scorer.Score(queries.AsSpan((first + q) * D, D), scores);
                var expected = new TopK(Probes);
                expected.AddRange(scores, ids);
                Assert.Equal(expected.ToSortedArray(), blocked[q].ToSortedArray());
            }
        }
    }

    [Theory]
    [InlineData(8, 6, 37)]
    [InlineData(16, 16, 256)]
    public void ScoresADimensionMajorTileWithEachLanesBias(int lanes, int active, int rows)
    {
        // An SQ8 tile: codes as floats, coordinate j of row r at j × rows + r; each query brings weights and a bias.
        const int D = 70, K = 8;
        var random = new Random(rows);
        float[] tile = [.. Enumerable.Range(0, rows * D).Select(_ => (float)random.Next(256))];
        float[] weights = TestVectors.RandomRows(active, D, seed: 31).Select(w => w / 256f).ToArray();
        float[] biases = [.. Enumerable.Range(0, active).Select(i => (random.NextSingle() * 2f) - 1f)];
        long[] ids = Enumerable.Range(0, rows).Select(r => 500L + r).ToArray();

        var block = new QueryBlock();
        block.Begin(lanes, D, exactScores: false);
        var heaps = new TopK[active];
        for (int q = 0; q < active; q++)
        {
            heaps[q] = new TopK(K);
            block.Add(weights.AsSpan(q * D, D), heaps[q], biases[q]);
        }

        BlockedScan.RunColumns(tile, ids, D, block, default(AllRows));
        for (int q = 0; q < active; q++)
        {
            // The one-query SQ8 pass: d multiply-adds over the tile's columns, then the bias.
            var scores = new float[rows];
            TensorPrimitives.Multiply(tile.AsSpan(0, rows), weights[q * D], scores);
            for (int j = 1; j < D; j++)
            {
                TensorPrimitives.MultiplyAdd(tile.AsSpan(j * rows, rows), weights[(q * D) + j], scores, scores);
            }

            var expected = new TopK(K);
            for (int r = 0; r < rows; r++)
            {
                expected.Add(ids[r], scores[r] + biases[q]);
            }

            Assert.Equal(expected.ToSortedArray(), heaps[q].ToSortedArray());
        }
    }

    [Fact]
    public void PicksTheNarrowestAcceleratedWidthThatHoldsTheQueries()
    {
        int narrow = Accelerated(4) ? 4 : Accelerated(8) ? 8 : 0;
        int middle = Accelerated(8) ? 8 : narrow;
        int wide = Accelerated(16) ? 16 : middle;
        Assert.Equal(narrow, BlockedScan.LanesFor(1));
        Assert.Equal(narrow, BlockedScan.LanesFor(4));
        Assert.Equal(middle, BlockedScan.LanesFor(5));
        Assert.Equal(middle, BlockedScan.LanesFor(8));
        Assert.Equal(wide, BlockedScan.LanesFor(9));
        Assert.Equal(wide, BlockedScan.LanesFor(500));
    }

    private static TopK[] Scan<TFilter>(int lanes, float[] vectors, long[] ids, float[] queries, int d, int k, bool exact, TFilter filter)
        where TFilter : struct, IRowFilter
    {
        int active = queries.Length / d;
        var block = new QueryBlock();
        block.Begin(lanes, d, exact);
        var heaps = new TopK[active];
        for (int q = 0; q < active; q++)
        {
            heaps[q] = new TopK(k);
            block.Add(queries.AsSpan(q * d, d), heaps[q]);
        }

        BlockedScan.Run(vectors, ids, d, block, filter);
        return heaps;
    }

    private static TopK DotScan(float[] vectors, long[] ids, ReadOnlySpan<float> query, int d, int k, Predicate<long> keep)
    {
        var heap = new TopK(k);
        for (int r = 0; r < ids.Length; r++)
        {
            if (keep(ids[r]))
            {
                heap.Add(ids[r], TensorPrimitives.Dot(vectors.AsSpan(r * d, d), query));
            }
        }

        return heap;
    }

    private static bool Accelerated(int lanes) => lanes switch
    {
        4 => System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated,
        8 => System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated,
        _ => System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
    };
}
