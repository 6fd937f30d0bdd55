using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Evaluation.Exact;

/// <summary>
/// Exact cosine top-k answered as a blocked matrix product (what a BLAS GEMM does for FAISS's batched exact
/// search): the base is cut into tiles small enough to stay in L2, and each tile is scored against a block of
/// queries held transposed in L1, four base rows by four 512-bit vectors (64 queries) at a time in registers. A tile
/// is read from memory once per worker for all its queries. Thread-safe (stateless).
/// </summary>
public static unsafe class BatchedExactSearch
{
    private const int TileRows = 2048;

    /// <summary>Queries per register block: four 512-bit vectors, or two 256-bit ones.</summary>
    private static int BlockQueries => Vector512.IsHardwareAccelerated ? 64 : 16;

    /// <summary>Top <paramref name="k"/> of every unit query (row-major) over every row of <paramref name="unitBase"/>.</summary>
    public static Neighbor[][] Search(UnitBase unitBase, float[] unitQueries, int k, int threads, IProgress<long>? progress = null)
    {
        int d = unitBase.Dimensions;
        int n = unitQueries.Length / d;
        int qb = BlockQueries;
        int blocks = (n + qb - 1) / qb;
        int workers = Math.Max(1, Math.Min(threads, blocks));
        var results = new Neighbor[n][];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            int firstBlock = (int)((long)blocks * worker / workers);
            int endBlock = (int)((long)blocks * (worker + 1) / workers);
            int first = firstBlock * qb;
            int end = Math.Min(n, endBlock * qb);
            if (first >= end)
            {
                return;
            }

            var heaps = new TopK[end - first];
            for (int i = 0; i < heaps.Length; i++)
            {
                heaps[i] = new TopK(k);
            }

            // Each block's queries transposed (dimension-major, qb per dimension), padded with zeros.
            int myBlocks = endBlock - firstBlock;
            var transposed = new float[myBlocks * d * qb];
            var thresholds = new float[myBlocks * qb];
            for (int b = 0; b < myBlocks; b++)
            {
                for (int lane = 0; lane < qb; lane++)
                {
                    int q = first + (b * qb) + lane;
                    thresholds[(b * qb) + lane] = q < end ? float.NegativeInfinity : float.PositiveInfinity;
                    if (q < end)
                    {
                        for (int j = 0; j < d; j++)
                        {
                            transposed[(b * d * qb) + (j * qb) + lane] = unitQueries[(q * d) + j];
                        }
                    }
                }
            }

            fixed (float* qt = transposed)
            fixed (float* th = thresholds)
            {
                for (long tile = 0; tile < unitBase.Count; tile += TileRows)
                {
                    int rows = (int)Math.Min(TileRows, unitBase.Count - tile);
                    float* tileRows = unitBase.Row(tile);
                    for (int b = 0; b < myBlocks; b++)
                    {
                        var block = new BlockState(heaps, b * qb, Math.Min(qb, end - first - (b * qb)), th + (b * qb));
                        if (qb == 64)
                        {
                            Kernel512(tileRows, rows, d, qt + (b * d * qb), tile, ref block);
                        }
                        else
                        {
                            Kernel256(tileRows, rows, d, qt + (b * d * qb), tile, ref block);
                        }
                    }

                    if (worker == 0 && progress is not null)
                    {
                        progress.Report(tile + rows);
                    }
                }
            }

            for (int i = 0; i < heaps.Length; i++)
            {
                results[first + i] = heaps[i].ToSortedArray();
            }
        });
        return results;
    }

    /// <summary>One query at a time: a full scan with a <see cref="TensorPrimitives.Dot"/> per row (the per-query exact
    /// baseline), lines requested ahead as the engine's one-query scan does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Neighbor[] ScanOne(UnitBase unitBase, ReadOnlySpan<float> unitQuery, int k)
    {
        var heap = new TopK(k);
        int d = unitBase.Dimensions;
        float threshold = float.NegativeInfinity;
        var prefetch = new StreamPrefetch(unitBase.Row(0), unitBase.Bytes);
        for (long tile = 0; tile < unitBase.Count; tile += TileRows)
        {
            int rows = (int)Math.Min(TileRows, unitBase.Count - tile);
            ReadOnlySpan<float> block = unitBase.Rows(tile, rows);
            for (int r = 0; r < rows; r++)
            {
                prefetch.Ahead(unitBase.Row(tile + r + 1));
                float score = TensorPrimitives.Dot(block.Slice(r * d, d), unitQuery);
                if (score > threshold)
                {
                    heap.Add(tile + r, score);
                    threshold = heap.Threshold;
                }
            }
        }

        return heap.ToSortedArray();
    }

    /// <summary>The heaps and entry thresholds of one block of queries.</summary>
    private readonly ref struct BlockState(TopK[] heaps, int firstHeap, int count, float* thresholds)
    {
        public readonly TopK[] Heaps = heaps;
        public readonly int FirstHeap = firstHeap;
        public readonly int Count = count;
        public readonly float* Thresholds = thresholds;

        /// <summary>Offers one row's scores (one per lane) to the heaps whose threshold they beat.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Offer(float* scores, long id)
        {
            for (int lane = 0; lane < Count; lane++)
            {
                if (scores[lane] > Thresholds[lane])
                {
                    TopK heap = Heaps[FirstHeap + lane];
                    heap.Add(id, scores[lane]);
                    Thresholds[lane] = heap.Threshold;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512(float* rows, int count, int d, float* qt, long firstId, ref BlockState block)
    {
        // 4 rows × 64 queries = 16 accumulators: 4 query loads and 4 broadcasts feed 16 FMAs per dimension.
        float* scores = stackalloc float[256];
        int r = 0;
        for (; r + 4 <= count; r += 4)
        {
            float* b0 = rows + (r * d);
            float* b1 = b0 + d;
            float* b2 = b1 + d;
            float* b3 = b2 + d;
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
            float* q = qt;
            for (int j = 0; j < d; j++, q += 64)
            {
                Vector512<float> q0 = Vector512.Load(q);
                Vector512<float> q1 = Vector512.Load(q + 16);
                Vector512<float> q2 = Vector512.Load(q + 32);
                Vector512<float> q3 = Vector512.Load(q + 48);
                Vector512<float> x = Vector512.Create(b0[j]);
                a00 = Vector512.FusedMultiplyAdd(x, q0, a00);
                a01 = Vector512.FusedMultiplyAdd(x, q1, a01);
                a02 = Vector512.FusedMultiplyAdd(x, q2, a02);
                a03 = Vector512.FusedMultiplyAdd(x, q3, a03);
                x = Vector512.Create(b1[j]);
                a10 = Vector512.FusedMultiplyAdd(x, q0, a10);
                a11 = Vector512.FusedMultiplyAdd(x, q1, a11);
                a12 = Vector512.FusedMultiplyAdd(x, q2, a12);
                a13 = Vector512.FusedMultiplyAdd(x, q3, a13);
                x = Vector512.Create(b2[j]);
                a20 = Vector512.FusedMultiplyAdd(x, q0, a20);
                a21 = Vector512.FusedMultiplyAdd(x, q1, a21);
                a22 = Vector512.FusedMultiplyAdd(x, q2, a22);
                a23 = Vector512.FusedMultiplyAdd(x, q3, a23);
                x = Vector512.Create(b3[j]);
                a30 = Vector512.FusedMultiplyAdd(x, q0, a30);
                a31 = Vector512.FusedMultiplyAdd(x, q1, a31);
                a32 = Vector512.FusedMultiplyAdd(x, q2, a32);
                a33 = Vector512.FusedMultiplyAdd(x, q3, a33);
            }

            // Stored before any check: no vector may live across the (rare) call into the heaps, or the JIT
            // spills every accumulator to the stack inside the dimension loop.
            a00.Store(scores);
            a01.Store(scores + 16);
            a02.Store(scores + 32);
            a03.Store(scores + 48);
            a10.Store(scores + 64);
            a11.Store(scores + 80);
            a12.Store(scores + 96);
            a13.Store(scores + 112);
            a20.Store(scores + 128);
            a21.Store(scores + 144);
            a22.Store(scores + 160);
            a23.Store(scores + 176);
            a30.Store(scores + 192);
            a31.Store(scores + 208);
            a32.Store(scores + 224);
            a33.Store(scores + 240);
            Check512(scores, firstId + r, ref block);
            Check512(scores + 64, firstId + r + 1, ref block);
            Check512(scores + 128, firstId + r + 2, ref block);
            Check512(scores + 192, firstId + r + 3, ref block);
        }

        for (; r < count; r++)
        {
            float* b0 = rows + (r * d);
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            float* q = qt;
            for (int j = 0; j < d; j++, q += 64)
            {
                Vector512<float> x = Vector512.Create(b0[j]);
                a0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q), a0);
                a1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 16), a1);
                a2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 32), a2);
                a3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 48), a3);
            }

            a0.Store(scores);
            a1.Store(scores + 16);
            a2.Store(scores + 32);
            a3.Store(scores + 48);
            Check512(scores, firstId + r, ref block);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check512(float* scores, long id, ref BlockState block)
    {
        float* t = block.Thresholds;
        if (Vector512.GreaterThanAny(Vector512.Load(scores), Vector512.Load(t))
            || Vector512.GreaterThanAny(Vector512.Load(scores + 16), Vector512.Load(t + 16))
            || Vector512.GreaterThanAny(Vector512.Load(scores + 32), Vector512.Load(t + 32))
                || Vector512.GreaterThanAny(Vector512.Load(scores + 48), Vector512.Load(t + 48)))
        {
            block.Offer(scores, id);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256(float* rows, int count, int d, float* qt, long firstId, ref BlockState block)
    {
        float* scores = stackalloc float[64];
        int r = 0;
        for (; r + 4 <= count; r += 4)
        {
            float* b0 = rows + (r * d);
            float* b1 = b0 + d;
            float* b2 = b1 + d;
            float* b3 = b2 + d;
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
            float* q = qt;
            for (int j = 0; j < d; j++, q += 16)
            {
                Vector256<float> q0 = Vector256.Load(q);
                Vector256<float> q1 = Vector256.Load(q + 8);
                Vector256<float> x = Vector256.Create(b0[j]);
                a00 = Vector256.FusedMultiplyAdd(x, q0, a00);
                a01 = Vector256.FusedMultiplyAdd(x, q1, a01);
                x = Vector256.Create(b1[j]);
                a10 = Vector256.FusedMultiplyAdd(x, q0, a10);
                a11 = Vector256.FusedMultiplyAdd(x, q1, a11);
                x = Vector256.Create(b2[j]);
                a20 = Vector256.FusedMultiplyAdd(x, q0, a20);
                a21 = Vector256.FusedMultiplyAdd(x, q1, a21);
                x = Vector256.Create(b3[j]);
                a30 = Vector256.FusedMultiplyAdd(x, q0, a30);
                a31 = Vector256.FusedMultiplyAdd(x, q1, a31);
            }

            a00.Store(scores);
            a01.Store(scores + 8);
            a10.Store(scores + 16);
            a11.Store(scores + 24);
            a20.Store(scores + 32);
            a21.Store(scores + 40);
            a30.Store(scores + 48);
            a31.Store(scores + 56);
            Check256(scores, firstId + r, ref block);
            Check256(scores + 16, firstId + r + 1, ref block);
            Check256(scores + 32, firstId + r + 2, ref block);
            Check256(scores + 48, firstId + r + 3, ref block);
        }

        for (; r < count; r++)
        {
            float* b0 = rows + (r * d);
            Vector256<float> a0 = default, a1 = default;
            float* q = qt;
            for (int j = 0; j < d; j++, q += 16)
            {
                Vector256<float> x = Vector256.Create(b0[j]);
                a0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(q), a0);
                a1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(q + 8), a1);
            }

            a0.Store(scores);
            a1.Store(scores + 8);
            Check256(scores, firstId + r, ref block);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check256(float* scores, long id, ref BlockState block)
    {
        if (Vector256.GreaterThanAny(Vector256.Load(scores), Vector256.Load(block.Thresholds))
            || Vector256.GreaterThanAny(Vector256.Load(scores + 8), Vector256.Load(block.Thresholds + 8)))
        {
            block.Offer(scores, id);
        }
    }
}
