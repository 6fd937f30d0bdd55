using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tuning;

/// <summary>
/// The queries a tuning run measures recall on, with their exact top-k over the generation. Either rows of the index
/// used as its own queries (<see cref="Create"/>), each held out of its own answer: needs no query file, but a row
/// the index was built from is an easier query than a new one (the k-means centroids were fitted to it); or real
/// queries the user supplies (<see cref="FromQueries"/>), which measure what they will see. Immutable once made.
/// </summary>
public sealed class TuningSample
{
    private const int BlockRows = 16384;

    /// <summary>Sub-seed stream of the sample, apart from every other seeded choice.</summary>
    private const int SampleStream = 0x7a9e;

    private TuningSample(float[] rows, long[] ids, Neighbor[][] exact, bool fromIndex)
    {
        Rows = rows;
        Ids = ids;
        Exact = exact;
        FromIndex = fromIndex;
    }

    /// <summary>The sampled rows (unit length, as stored), row-major, in the order the generation is read.</summary>
    public float[] Rows { get; }

    /// <summary>The sampled rows' ids (empty for real queries).</summary>
    public long[] Ids { get; }

    /// <summary>Exact top-k of each query (for a sampled row, without its own id).</summary>
    public Neighbor[][] Exact { get; }

    /// <summary>True for rows of the index held out of their own answers; false for real queries.</summary>
    public bool FromIndex { get; }

    public int Count => Exact.Length;

    public static TuningSample Create(
        string indexDirectory,
        IndexManifest manifest,
        int size,
        int k,
        int seed,
        int threads,
        IProgress<TuningProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var source = new GenerationSource(indexDirectory, manifest, manifest.Dimensions, new HashSet<long>(), []);
        long[] positions = Positions(source.Count, Math.Min(size, source.Count), Seeds.Derive(seed, SampleStream));
        (float[] rows, long[] ids) = Read(source, positions, progress, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        // k + 1: the query itself is (almost always) its own best answer, and is then dropped.
        ExactProgress? exactProgress = progress is null ? null : new(progress, source.Count);
        Neighbor[][] found = ExactSearch.SearchUnitRows(source, rows, k + 1, threads, exactProgress).Neighbors;
        Neighbor[][] exact = [.. found.Select((answer, q) => HoldOut(answer, ids[q], k))];
        return new TuningSample(rows, ids, exact, fromIndex: true);
    }

    /// <summary>
    /// Real queries (row-major, any length; normalised here, as every search does) and their exact top-k over the
    /// generation's rows. Throws <see cref="InvalidVectorException"/> for a zero or non-finite query.
    /// </summary>
    public static TuningSample FromQueries(
        string indexDirectory,
        IndexManifest manifest,
        ReadOnlySpan<float> queries,
        int k,
        int threads,
        IProgress<TuningProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        int d = manifest.Dimensions;
        if (queries.Length == 0 || queries.Length % d != 0)
        {
            throw new ArgumentException(
                $"{queries.Length} query values are not a whole number of {d}-dimensional rows (at least one).",
                nameof(queries));
        }

        float[] rows = queries.ToArray();
        VectorMath.NormalizeRows(rows, d, 0, "the tuning queries");
        var source = new GenerationSource(indexDirectory, manifest, d, new HashSet<long>(), []);
        ExactProgress? exactProgress = progress is null ? null : new(progress, source.Count);
        Neighbor[][] exact = ExactSearch.SearchUnitRows(source, rows, k, threads, exactProgress).Neighbors;
        cancellationToken.ThrowIfCancellationRequested();
        return new TuningSample(rows, [], exact, fromIndex: false);
    }

    /// <summary>The first <paramref name="k"/> hits that are not <paramref name="self"/>.</summary>
    public static Neighbor[] HoldOut(Neighbor[] answer, long self, int k) => [.. answer.Where(n => n.Id != self).Take(k)];

    /// <summary>
    /// <paramref name="count"/> distinct positions of [0, <paramref name="total"/>), uniform, ascending (Floyd's
    /// algorithm: memory and time in the sample size, not the index size).
    /// </summary>
    internal static long[] Positions(long total, long count, int seed)
    {
        var random = new Random(seed);
        var chosen = new HashSet<long>();
        for (long j = total - count; j < total; j++)
        {
            long t = random.NextInt64(j + 1);
            chosen.Add(chosen.Contains(t) ? j : t);
        }

        long[] positions = [.. chosen];
        Array.Sort(positions);
        return positions;
    }

    private static (float[] Rows, long[] Ids) Read(
        IVectorSource source,
        long[] positions,
        IProgress<TuningProgress>? progress,
        CancellationToken cancellationToken)
    {
        int d = source.Dimensions;
        var rows = new float[positions.Length * d];
        var ids = new long[positions.Length];
        var block = new float[BlockRows * d];
        var blockIds = new long[BlockRows];
        using IVectorSourceReader reader = source.OpenReader();
        long position = 0;
        int next = 0;
        int read;
        while (next < positions.Length && (read = reader.Read(block, blockIds)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (; next < positions.Length && positions[next] < position + read; next++)
            {
                int r = (int)(positions[next] - position);
                ids[next] = blockIds[r];
                block.AsSpan(r * d, d).CopyTo(rows.AsSpan(next * d, d));
            }

            position += read;
            progress?.Report(new TuningProgress("sample", position, source.Count));
        }

        return (rows, ids);
    }

    /// <summary>Relays the exact pass's row count on the reporting thread (<see cref="Progress{T}"/> would post it elsewhere,
    /// out of order).</summary>
    private sealed class ExactProgress(IProgress<TuningProgress> progress, long total) : IProgress<long>
    {
        public void Report(long value) => progress.Report(new TuningProgress("exact", value, total));
    }
}
