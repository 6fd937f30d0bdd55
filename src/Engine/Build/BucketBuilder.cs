using System.Runtime.InteropServices;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Build;

/// <summary>
/// One bucket's build job, from its spill file to its two index files: sample, train spherical k-means,
/// stream-assign every row (labels go to a temporary file, only counts stay in memory), then write the
/// cluster-major file by counting placement. Memory: the training sample, the centroids and fixed buffers.
/// Independent of other buckets, so jobs run side by side (and, in a cluster, on different silos).
/// </summary>
public static class BucketBuilder
{
    private const int BlockRows = 4096;

    /// <param name="spillFile">The bucket's rows, as <see cref="BucketPartitioner"/> wrote them.</param>
    /// <param name="indexDirectory">The index root; files go to <paramref name="generationFolder"/> under it.</param>
    /// <param name="indexCount">Rows of the whole index (all buckets), which sets the bucket's share of clusters.</param>
    /// <param name="schema">The rows' data fields, read from the spill file's <see cref="FieldSpill"/>; null for none.</param>
    /// <param name="shards">
    /// How many shards to split the bucket's clusters into (at most one per cluster): contiguous cluster ranges of about equal rows,
    /// each with its own lists, codes and fields files. 1 writes the unsharded layout.
    /// </param>
    public static BucketManifest Build(
        int bucket,
        string spillFile,
        long indexCount,
        int dimensions,
        string indexDirectory,
        string generationFolder,
        IndexBuildOptions options,
        int threads,
        IProgress<BuildProgress>? progress = null,
        CancellationToken cancellationToken = default,
        FieldSchema? schema = null,
        int shards = 1)
    {
        BucketTraining trained = Train(
            bucket, spillFile, indexCount, dimensions, indexDirectory, generationFolder, options, threads, progress, cancellationToken, shards);
        try
        {
            if (trained.Rows == 0)
            {
                return Assemble(trained, []);
            }

            // One pass over the spill writes every shard's files.
            ShardManifest[] parts = WriteShards(
                trained, [.. Enumerable.Range(0, trained.ShardCount)], spillFile, Path.Combine(indexDirectory, trained.LabelsFile!), indexDirectory,
                dimensions, schema, progress, cancellationToken);
            return Assemble(trained, parts);
        }
        finally
        {
            if (trained.LabelsFile is { } labels)
            {
                File.Delete(Path.Combine(indexDirectory, labels));
            }
        }
    }

    /// <summary>
    /// A build's first phase for one bucket: samples, trains the centroids (and the SQ8 quantiser), assigns every row to its
    /// nearest centroid and splits the clusters into shards. Writes the centroids file and the labels file (one int per spill
    /// row, in spill order) under <paramref name="generationFolder"/>; the shards' files are written from them by
    /// <see cref="WriteShards"/>, in this job or in one job per shard.
    /// </summary>
    public static BucketTraining Train(
        int bucket,
        string spillFile,
        long indexCount,
        int dimensions,
        string indexDirectory,
        string generationFolder,
        IndexBuildOptions options,
        int threads,
        IProgress<BuildProgress>? progress = null,
        CancellationToken cancellationToken = default,
        int shards = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        long n = SpillFile.CountRows(spillFile, dimensions);
        if (n == 0)
        {
            return new BucketTraining(bucket, 0, 0, null, null, null, [], [0, 0], null, null);
        }

        int k = options.ClustersFor(n, indexCount);
        int bucketSeed = Seeds.Derive(options.Seed, 1000 + bucket);
        progress?.Report(new BuildProgress("train", bucket, 0, 1));
        float[] sample = Sample(spillFile, dimensions, n, (int)Math.Min(n, (long)k * options.MaxPointsPerCentroid), bucketSeed);
        float[] centroids = SphericalKMeans.Train(sample, dimensions, k, options.KMeans(threads) with { Seed = bucketSeed }, cancellationToken);

        // The quantiser trains on the k-means sample: a seeded uniform sample of the bucket, already in memory.
        ScalarQuantizer? quantizer = options.Storage == VectorStorage.Sq8 ? ScalarQuantizer.Train(sample, dimensions, options.QuantizerTrim) : null;
        sample = [];
        progress?.Report(new BuildProgress("train", bucket, 1, 1));

        Directory.CreateDirectory(Path.Combine(indexDirectory, generationFolder));
        string centroidsName = Path.Combine(generationFolder, $"bucket-{bucket}.centroids");
        string labelsName = Path.Combine(generationFolder, $"bucket-{bucket}.labels");
        try
        {
            var scorer = new CentroidScorer(centroids, dimensions);
            long[] sizes = AssignToFile(
                spillFile, Path.Combine(indexDirectory, labelsName), dimensions, n, scorer, threads, bucket, progress, cancellationToken);
            ulong centroidsChecksum = CentroidsFile.Write(Path.Combine(indexDirectory, centroidsName), centroids, dimensions);
            return new BucketTraining(
                bucket,
                n,
                k,
                centroidsName,
                ManifestStore.FormatChecksum(centroidsChecksum),
                labelsName,
                sizes,
                ShardStarts(sizes, Math.Min(shards, k)),
                quantizer?.Min,
                quantizer?.Step);
        }
        catch
        {
            File.Delete(Path.Combine(indexDirectory, labelsName));
            throw;
        }
    }

    /// <summary>
    /// A build's second phase: writes the lists (and fields and SQ8 codes) of the <paramref name="shards"/> asked for, from the bucket's
    /// spill and the labels <see cref="Train"/> wrote, in one pass over the spill (rows of other shards are skipped).
    /// </summary>
    public static ShardManifest[] WriteShards(
        BucketTraining trained,
        int[] shards,
        string spillFile,
        string labelsPath,
        string indexDirectory,
        int dimensions,
        FieldSchema? schema,
        IProgress<BuildProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        string folder = Path.GetDirectoryName(trained.CentroidsFile!)!;
        Directory.CreateDirectory(Path.Combine(indexDirectory, folder));
        int[] starts = trained.Starts;
        string Name(int s, string extension) =>
            Path.Combine(folder, starts.Length == 2 ? $"bucket-{trained.Bucket}.{extension}" : $"bucket-{trained.Bucket}.s{s}.{extension}");
        ShardManifest[] parts = [.. shards.Select(s => new ShardManifest(
            starts[s], starts[s + 1] - starts[s], 0, Name(s, "lists"), "", FieldsFile: schema is null ? null : Name(s, "fields")))];
        parts = Place(
            spillFile, labelsPath, indexDirectory, parts, schema, dimensions, trained.Sizes, trained.Bucket, trained.Rows, progress,
            cancellationToken);
        if (trained.QuantizerMin is { } min)
        {
            var quantizer = new ScalarQuantizer(min, trained.QuantizerStep!);
            for (int i = 0; i < parts.Length; i++)
            {
                parts[i] = WriteCodes(parts[i], Name(shards[i], "sq8"), quantizer, indexDirectory, dimensions, cancellationToken);
            }
        }

        return parts;
    }

    /// <summary>The bucket's manifest entry from its training and every shard's files (in shard order).</summary>
    public static BucketManifest Assemble(BucketTraining trained, ShardManifest[] parts)
    {
        if (trained.Rows == 0)
        {
            return new BucketManifest(trained.Bucket, 0, 0, null, null, null, null);
        }

        if (parts.Length != trained.ShardCount || parts.Select((p, s) => p.FirstCluster != trained.Starts[s]).Any(wrong => wrong))
        {
            throw new InvalidOperationException($"bucket {trained.Bucket} needs its {trained.ShardCount} shards in order, got {parts.Length}.");
        }

        if (parts.Length > 1)
        {
            return new BucketManifest(
                trained.Bucket, trained.Rows, trained.Clusters, trained.CentroidsFile, trained.CentroidsChecksum, null, null, Shards: parts);
        }

        ShardManifest only = parts[0];
        return new BucketManifest(
            trained.Bucket, trained.Rows, trained.Clusters, trained.CentroidsFile, trained.CentroidsChecksum, only.ListsFile, only.ListsChecksum,
            only.CodesFile, only.CodesChecksum, only.FieldsFile, only.FieldsChecksum);
    }

    /// <summary>Encodes a shard's (or the bucket's) finished lists file into its codes file, cluster by cluster in the same order.</summary>
    private static ShardManifest WriteCodes(
        ShardManifest part, string codesName, ScalarQuantizer quantizer, string indexDirectory, int dimensions, CancellationToken cancellationToken)
    {
        using InvertedLists lists = InvertedLists.Open(Path.Combine(indexDirectory, part.ListsFile), dimensions, part.Clusters, verify: false);
        ulong checksum = QuantizedListsWriter.Write(Path.Combine(indexDirectory, codesName), quantizer, lists, cancellationToken);
        return part with { CodesFile = codesName, CodesChecksum = ManifestStore.FormatChecksum(checksum) };
    }

    /// <summary>
    /// Where each of <paramref name="shards"/> contiguous cluster ranges starts (then the cluster count): a range ends once it holds
    /// its even share of the rows, and every range keeps at least one cluster.
    /// </summary>
    public static int[] ShardStarts(ReadOnlySpan<long> sizes, int shards)
    {
        int k = sizes.Length;
        shards = Math.Clamp(shards, 1, Math.Max(1, k));
        long total = 0;
        foreach (long size in sizes)
        {
            total += size;
        }

        var starts = new int[shards + 1];
        starts[shards] = k;
        long seen = 0;
        int s = 1;
        for (int c = 0; c < k && s < shards; c++)
        {
            seen += sizes[c];
            // Close range s - 1 after cluster c when it reached its share, or when the clusters left are only enough for the rest.
            if (seen * shards >= total * s || k - (c + 1) == shards - s)
            {
                starts[s++] = c + 1;
            }
        }

        return starts;
    }

    /// <summary>A seeded reservoir sample of <paramref name="size"/> rows of the spill file.</summary>
    private static float[] Sample(string spillFile, int d, long n, int size, int seed)
    {
        var sample = new float[size * d];
        var random = new Random(seed);
        var rows = new float[BlockRows * d];
        var ids = new long[BlockRows];
        using var reader = new SpillFile.Reader(spillFile, d);
        long seen = 0;
        int read;
        while ((read = reader.Read(rows, ids)) > 0)
        {
            for (int i = 0; i < read; i++, seen++)
            {
                long slot = seen < size ? seen : random.NextInt64(seen + 1);
                if (slot < size)
                {
                    rows.AsSpan(i * d, d).CopyTo(sample.AsSpan((int)slot * d, d));
                }
            }
        }

        return seen == n ? sample : throw new InvalidDataException($"spill file '{spillFile}' changed while it was read.");
    }

    private static long[] AssignToFile(
        string spillFile,
        string labelsPath,
        int d,
        long n,
        CentroidScorer scorer,
        int threads,
        int bucket,
        IProgress<BuildProgress>? progress,
        CancellationToken cancellationToken)
    {
        var sizes = new long[scorer.Count];
        var rows = new float[BlockRows * d];
        var ids = new long[BlockRows];
        var labels = new int[BlockRows];
        using var reader = new SpillFile.Reader(spillFile, d);
        using var output = new FileStream(labelsPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancellationToken };
        long done = 0;
        int read;
        while ((read = reader.Read(rows, ids)) > 0)
        {
            int count = read;
            int chunks = Math.Max(1, threads);
            Parallel.For(0, chunks, parallel, chunk =>
            {
                var scratch = new float[scorer.Count];
                for (int i = count * chunk / chunks, end = count * (chunk + 1) / chunks; i < end; i++)
                {
                    labels[i] = scorer.Nearest(rows.AsSpan(i * d, d), scratch, out _);
                }
            });

            for (int i = 0; i < count; i++)
            {
                sizes[labels[i]]++;
            }

            output.Write(MemoryMarshal.AsBytes(labels.AsSpan(0, count)));
            done += count;
            progress?.Report(new BuildProgress("assign", bucket, done, n));
        }

        return sizes;
    }

    /// <summary>
    /// Writes each given shard's lists (and fields, when the rows have them) by counting placement: both writers of a shard get the same
    /// sizes and the same rows in the same order, so row r of a cluster lines up in the two files. Returns the parts with their
    /// row counts and checksums.
    /// </summary>
    private static ShardManifest[] Place(
        string spillFile,
        string labelsPath,
        string indexDirectory,
        ShardManifest[] parts,
        FieldSchema? schema,
        int d,
        long[] sizes,
        int bucket,
        long n,
        IProgress<BuildProgress>? progress,
        CancellationToken cancellationToken)
    {
        var rows = new float[BlockRows * d];
        var ids = new long[BlockRows];
        var labels = new int[BlockRows];
        var shardOf = new int[sizes.Length];
        Array.Fill(shardOf, -1);
        var lists = new InvertedListsWriter[parts.Length];
        var fields = new FieldsWriter?[parts.Length];
        using var reader = new SpillFile.Reader(spillFile, d);
        using var labelStream = new FileStream(labelsPath, FileMode.Open, FileAccess.Read, FileShare.None, bufferSize: 1 << 16);
        using FieldSpill.Reader? fieldReader = schema is null ? null : new FieldSpill.Reader(FieldSpill.PathFor(spillFile), schema);
        try
        {
            for (int s = 0; s < parts.Length; s++)
            {
                ReadOnlySpan<long> own = sizes.AsSpan(parts[s].FirstCluster, parts[s].Clusters);
                shardOf.AsSpan(parts[s].FirstCluster, parts[s].Clusters).Fill(s);
                lists[s] = new InvertedListsWriter(Path.Combine(indexDirectory, parts[s].ListsFile), d, own);
                fields[s] = schema is null ? null : new FieldsWriter(Path.Combine(indexDirectory, parts[s].FieldsFile!), schema, own);
            }

            var values = new object?[fieldReader is null ? 0 : BlockRows][];
            long done = 0;
            int read;
            while ((read = reader.Read(rows, ids)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                labelStream.ReadExactly(MemoryMarshal.AsBytes(labels.AsSpan(0, read)));
                fieldReader?.Read(values, read);
                for (int i = 0; i < read; i++)
                {
                    int s = shardOf[labels[i]];
                    if (s < 0)
                    {
                        continue; // another shard's row
                    }

                    int local = labels[i] - parts[s].FirstCluster;
                    lists[s].Add(local, ids[i], rows.AsSpan(i * d, d));
                    fields[s]?.Add(local, values[i]);
                }

                done += read;
                progress?.Report(new BuildProgress("write", bucket, done, n));
            }

            var written = new ShardManifest[parts.Length];
            for (int s = 0; s < parts.Length; s++)
            {
                long count = 0;
                foreach (long size in sizes.AsSpan(parts[s].FirstCluster, parts[s].Clusters))
                {
                    count += size;
                }

                ulong listsChecksum = lists[s].Commit();
                ulong? fieldsChecksum = fields[s]?.Commit();
                written[s] = parts[s] with
                {
                    Count = count,
                    ListsChecksum = ManifestStore.FormatChecksum(listsChecksum),
                    FieldsChecksum = fieldsChecksum is ulong f ? ManifestStore.FormatChecksum(f) : null,
                };
            }

            return written;
        }
        finally
        {
            foreach (InvertedListsWriter? writer in lists)
            {
                writer?.Dispose();
            }

            foreach (FieldsWriter? writer in fields)
            {
                writer?.Dispose();
            }
        }
    }
}
