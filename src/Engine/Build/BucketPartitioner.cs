using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Engine.Build;

/// <summary>
/// The partition passes of a build. Pass 1 streams the source for a seeded reservoir sample and fits the LSH
/// planes and thresholds on it; pass 2 streams it again, normalising and validating each row, into one spill
/// file per bucket. Memory: the sample plus fixed buffers, whatever the source's size.
/// </summary>
public static class BucketPartitioner
{
    private const int BlockRows = 8192;

    /// <summary>The outcome of partitioning: the hasher and each bucket's spill file and row count.</summary>
    public sealed record Result(LshHasher Hasher, string[] SpillFiles, long[] Counts)
    {
        /// <summary>Rows of the whole index: what each bucket's share of clusters is taken from.</summary>
        public long Total => Counts.Sum();
    }

    public static LshHasher FitHasher(
        IVectorSource source,
        IndexBuildOptions options,
        IProgress<BuildProgress>? progress,
        CancellationToken cancellationToken)
    {
        int d = source.Dimensions;
        if (!options.LshEnabled)
        {
            return LshHasher.SingleBucket(d, options.Seed);
        }

        float[] sample = ReservoirSample(source, options.LshSampleSize, options.Seed, progress, cancellationToken);
        return LshHasher.Fit(sample, d, options.Seed, options.LshPlanes);
    }

    public static Result Partition(
        IVectorSource source,
        LshHasher hasher,
        string spillDirectory,
        IProgress<BuildProgress>? progress,
        CancellationToken cancellationToken)
    {
        int d = source.Dimensions;
        Directory.CreateDirectory(spillDirectory);
        var writers = new SpillFile.Writer[LshHasher.BucketCount];
        FieldSchema? schema = (source as IRecordSource)?.Schema?.Validate();
        var fieldWriters = new FieldSpill.Writer[schema is null ? 0 : LshHasher.BucketCount];
        try
        {
            for (int b = 0; b < writers.Length; b++)
            {
                writers[b] = new SpillFile.Writer(Path.Combine(spillDirectory, $"bucket-{b}.spill"), d);
                if (schema is not null)
                {
                    fieldWriters[b] = new FieldSpill.Writer(FieldSpill.PathFor(writers[b].Path), schema);
                }
            }

            var rows = new float[BlockRows * d];
            var ids = new long[BlockRows];
            object?[]?[] fields = new object?[schema is null ? 0 : BlockRows][];
            long done = 0;
            using IVectorSourceReader reader = source.OpenReader();
            int read;
            while ((read = schema is null ? reader.Read(rows, ids) : RecordReader(reader, source).Read(rows, ids, fields)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                VectorMath.NormalizeRows(rows.AsSpan(0, read * d), d, done, $"'{source.Name}'");
                for (int i = 0; i < read; i++)
                {
                    ReadOnlySpan<float> row = rows.AsSpan(i * d, d);
                    int bucket = hasher.Hash(row);
                    writers[bucket].Append(ids[i], row);
                    if (schema is not null)
                    {
                        fieldWriters[bucket].Append(schema.CheckRow(
                            fields[i] ?? throw new ArgumentException($"'{source.Name}' row {done + i} has no field values."),
                            $"'{source.Name}' row {done + i}"));
                    }
                }

                done += read;
                progress?.Report(new BuildProgress("partition", null, done, source.Count));
            }

            return new Result(hasher, [.. writers.Select(w => w.Path)], [.. writers.Select(w => w.Count)]);
        }
        finally
        {
            foreach (SpillFile.Writer? writer in writers)
            {
                writer?.Dispose();
            }

            foreach (FieldSpill.Writer? writer in fieldWriters)
            {
                writer?.Dispose();
            }
        }
    }

    private static IRecordSourceReader RecordReader(IVectorSourceReader reader, IVectorSource source) =>
        reader as IRecordSourceReader ?? throw new InvalidOperationException($"'{source.Name}' has a schema but its reader reads no fields.");

    /// <summary>Algorithm R over the whole stream: every row equally likely, the same sample for the same seed.</summary>
    private static float[] ReservoirSample(
        IVectorSource source,
        int size,
        int seed,
        IProgress<BuildProgress>? progress,
        CancellationToken cancellationToken)
    {
        int d = source.Dimensions;
        int capacity = (int)Math.Min(size, source.Count);
        var sample = new float[capacity * d];
        var random = new Random(Seeds.Derive(seed, 0x5a3b1e));
        var rows = new float[BlockRows * d];
        var ids = new long[BlockRows];
        long seen = 0;
        using IVectorSourceReader reader = source.OpenReader();
        int read;
        while ((read = reader.Read(rows, ids)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < read; i++, seen++)
            {
                long slot = seen < capacity ? seen : random.NextInt64(seen + 1);
                if (slot < capacity)
                {
                    Span<float> target = sample.AsSpan((int)slot * d, d);
                    rows.AsSpan(i * d, d).CopyTo(target);
                    VectorMath.NormalizeInPlace(target, $"'{source.Name}' row {seen}");
                }
            }

            progress?.Report(new BuildProgress("sample", null, seen, source.Count));
        }

        return seen >= capacity ? sample : sample[..(int)(seen * d)];
    }
}
