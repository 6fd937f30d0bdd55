using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Exact brute-force cosine search: ground truth for tests and benchmarks. Streams the base set block by
/// block (memory stays at one block) and scores each block against every query while it is in cache.
/// Optionally counts, for given approximate answers, how many base rows beat each returned score: the
/// rank positions the course score needs. Thread-safe (stateless).
/// </summary>
public static class ExactSearch
{
    private const int BlockRows = 16384;
    private const int TileRows = 1024;

    /// <summary>The result of an exact pass: true top-k per query, and rank positions if approximate answers were given.</summary>
    public sealed record Result(Neighbor[][] Neighbors, long[][]? Positions);

    /// <summary>Exact top-k over a vector file; the file's rows are normalised (and validated) as they stream.</summary>
    public static Result Search(
        VectorFile source,
        ReadOnlySpan<float> queries,
        int k,
        int threads = 0,
        Neighbor[][]? approximate = null,
        IProgress<long>? progress = null)
    {
        float[] unit = VectorIndex.PrepareQueries(queries, source.Dimensions);
        var state = new State(unit, source.Dimensions, k, approximate);
        var block = new float[BlockRows * source.Dimensions];
        using VectorFileReader reader = source.OpenReader();
        long row = 0;
        int read;
        while ((read = reader.ReadRows(block)) > 0)
        {
            Span<float> rows = block.AsSpan(0, read * source.Dimensions);
            VectorMath.NormalizeRows(rows, source.Dimensions, row, $"'{source.Path}'");
            state.Score(block, read, row, threads);
            row += read;
            progress?.Report(row);
        }

        return state.Finish();
    }

    /// <summary>
    /// Exact top-k over a source of rows that are already unit length (an index generation read back through
    /// <see cref="Build.GenerationSource"/>), with the source's own ids. Rows are scored as stored, not re-normalised,
    /// so scores equal the index's own.
    /// </summary>
    public static Result SearchUnitRows(
        IVectorSource unitSource,
        ReadOnlySpan<float> queries,
        int k,
        int threads = 0,
        IProgress<long>? progress = null)
    {
        int d = unitSource.Dimensions;
        float[] unit = VectorIndex.PrepareQueries(queries, d);
        var state = new State(unit, d, k, approximate: null);
        var block = new float[BlockRows * d];
        var ids = new long[BlockRows];
        using IVectorSourceReader reader = unitSource.OpenReader();
        long rows = 0;
        int read;
        while ((read = reader.Read(block, ids)) > 0)
        {
            state.Score(block, read, ids, threads);
            rows += read;
            progress?.Report(rows);
        }

        return state.Finish();
    }

    /// <summary>Exact top-k over unit rows in memory (ids are row numbers).</summary>
    public static Result Search(
        float[] unitBase,
        int dimensions,
        ReadOnlySpan<float> queries,
        int k,
        int threads = 0,
        Neighbor[][]? approximate = null)
    {
        float[] unit = VectorIndex.PrepareQueries(queries, dimensions);
        var state = new State(unit, dimensions, k, approximate);
        state.Score(unitBase, unitBase.Length / dimensions, 0, threads);
        return state.Finish();
    }

    private sealed class State
    {
        private readonly float[] _queries;
        private readonly int _d;
        private readonly TopK[] _heaps;
        private readonly float[][]? _targets;
        private readonly long[][]? _positions;

        public State(float[] queries, int dimensions, int k, Neighbor[][]? approximate)
        {
            _queries = queries;
            _d = dimensions;
            int n = queries.Length / dimensions;
            _heaps = [.. Enumerable.Range(0, n).Select(_ => new TopK(k))];
            if (approximate is not null)
            {
                if (approximate.Length != n)
                {
                    throw new ArgumentException($"{approximate.Length} approximate answers for {n} queries.", nameof(approximate));
                }

                // A row "beats" a returned score only if it is higher by more than rounding: equal vectors tie, not win.
                _targets = [.. approximate.Select(a => a.Select(x => x.Score + 1e-6f).ToArray())];
                _positions = [.. approximate.Select(a => new long[a.Length])];
            }
        }

        public void Score(float[] rows, int count, long firstId, int threads) => Score(rows, count, firstId, ids: null, threads);

        /// <summary>As above, with each row's id taken from <paramref name="ids"/> instead of counted from a first id.</summary>
        public void Score(float[] rows, int count, long[] ids, int threads) => Score(rows, count, 0, ids, threads);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Score(float[] rows, int count, long firstId, long[]? ids, int threads)
        {
            int n = _heaps.Length;
            int workers = Math.Max(1, Math.Min(threads > 0 ? threads : Environment.ProcessorCount, n));
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
            {
                int first = (int)((long)n * worker / workers);
                int end = (int)((long)n * (worker + 1) / workers);
                var scores = new float[TileRows];
                for (int tile = 0; tile < count; tile += TileRows)
                {
                    int tileRows = Math.Min(TileRows, count - tile);
                    for (int q = first; q < end; q++)
                    {
                        ScoreTile(rows.AsSpan(tile * _d, tileRows * _d), _queries.AsSpan(q * _d, _d), scores.AsSpan(0, tileRows));
                        Collect(q, scores.AsSpan(0, tileRows), firstId + tile, ids is null ? default : ids.AsSpan(tile, tileRows));
                    }
                }
            });
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ScoreTile(ReadOnlySpan<float> rows, ReadOnlySpan<float> query, Span<float> scores)
        {
            for (int r = 0; r < scores.Length; r++)
            {
                scores[r] = TensorPrimitives.Dot(rows.Slice(r * _d, _d), query);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Collect(int q, ReadOnlySpan<float> scores, long firstId, ReadOnlySpan<long> ids)
        {
            TopK heap = _heaps[q];
            float threshold = heap.Threshold;
            float[]? targets = _targets?[q];
            float lowestTarget = targets is { Length: > 0 } ? targets.Min() : float.PositiveInfinity;
            for (int r = 0; r < scores.Length; r++)
            {
                float s = scores[r];
                if (s > threshold)
                {
                    heap.Add(ids.IsEmpty ? firstId + r : ids[r], s);
                    threshold = heap.Threshold;
                }

                if (s > lowestTarget)
                {
                    long[] positions = _positions![q];
                    for (int i = 0; i < targets!.Length; i++)
                    {
                        if (s > targets[i])
                        {
                            positions[i]++;
                        }
                    }
                }
            }
        }

        public Result Finish() => new([.. _heaps.Select(h => h.ToSortedArray())], _positions);
    }
}
