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
        FieldSchema? schema = null)
    {
        long n = SpillFile.CountRows(spillFile, dimensions);
        if (n == 0)
        {
            return new BucketManifest(bucket, 0, 0, null, null, null, null);
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

        string folder = Path.Combine(indexDirectory, generationFolder);
        Directory.CreateDirectory(folder);
        string centroidsName = Path.Combine(generationFolder, $"bucket-{bucket}.centroids");
        string listsName = Path.Combine(generationFolder, $"bucket-{bucket}.lists");
        string labelsPath = Path.Combine(folder, $"bucket-{bucket}.labels.tmp");
        string? fieldsName = schema is null ? null : Path.Combine(generationFolder, $"bucket-{bucket}.fields");
        try
        {
            var scorer = new CentroidScorer(centroids, dimensions);
            long[] sizes = AssignToFile(spillFile, labelsPath, dimensions, n, scorer, threads, bucket, progress, cancellationToken);
            (ulong listsChecksum, ulong? fieldsChecksum) = Place(
                spillFile,
                labelsPath,
                Path.Combine(indexDirectory, listsName),
                fieldsName is null ? null : (Path.Combine(indexDirectory, fieldsName), schema!),
                dimensions,
                sizes,
                bucket,
                n,
                progress,
                cancellationToken);
            ulong centroidsChecksum = CentroidsFile.Write(Path.Combine(indexDirectory, centroidsName), centroids, dimensions);
            var entry = new BucketManifest(
                bucket,
                n,
                k,
                centroidsName,
                ManifestStore.FormatChecksum(centroidsChecksum),
                listsName,
                ManifestStore.FormatChecksum(listsChecksum),
                FieldsFile: fieldsName,
                FieldsChecksum: fieldsChecksum is ulong f ? ManifestStore.FormatChecksum(f) : null);
            return quantizer is null ? entry : WriteCodes(entry, quantizer, indexDirectory, generationFolder, dimensions, bucket, cancellationToken);
        }
        finally
        {
            File.Delete(labelsPath);
        }
    }

    /// <summary>Encodes the bucket's finished lists file into its codes file, cluster by cluster in the same order.</summary>
    private static BucketManifest WriteCodes(
        BucketManifest entry,
        ScalarQuantizer quantizer,
        string indexDirectory,
        string generationFolder,
        int dimensions,
        int bucket,
        CancellationToken cancellationToken)
    {
        string codesName = Path.Combine(generationFolder, $"bucket-{bucket}.sq8");
        using InvertedLists lists = InvertedLists.Open(Path.Combine(indexDirectory, entry.ListsFile!), dimensions, entry.Clusters, verify: false);
        ulong checksum = QuantizedListsWriter.Write(Path.Combine(indexDirectory, codesName), quantizer, lists, cancellationToken);
        return entry with { CodesFile = codesName, CodesChecksum = ManifestStore.FormatChecksum(checksum) };
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
    /// Writes the lists (and the fields, when the rows have them) by counting placement: both writers get the same sizes
    /// and the same rows in the same order, so row r of a cluster lines up in the two files.
    /// </summary>
    private static (ulong Lists, ulong? Fields) Place(
        string spillFile,
        string labelsPath,
        string listsPath,
        (string Path, FieldSchema Schema)? fieldsFile,
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
        using var reader = new SpillFile.Reader(spillFile, d);
        using var labelStream = new FileStream(labelsPath, FileMode.Open, FileAccess.Read, FileShare.None, bufferSize: 1 << 16);
        using var writer = new InvertedListsWriter(listsPath, d, sizes);
        using FieldSpill.Reader? fieldReader = fieldsFile is { } ff ? new FieldSpill.Reader(FieldSpill.PathFor(spillFile), ff.Schema) : null;
        using FieldsWriter? fieldWriter = fieldsFile is { } f ? new FieldsWriter(f.Path, f.Schema, sizes) : null;
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
                writer.Add(labels[i], ids[i], rows.AsSpan(i * d, d));
                fieldWriter?.Add(labels[i], values[i]);
            }

            done += read;
            progress?.Report(new BuildProgress("write", bucket, done, n));
        }

        return (writer.Commit(), fieldWriter?.Commit());
    }
}
