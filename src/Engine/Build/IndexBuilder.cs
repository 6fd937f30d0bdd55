using System.Diagnostics;
using System.Globalization;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Build;

/// <summary>
/// Builds a new generation of an index directory from a source: LSH fit, partition into spill files, one
/// k-means job per bucket (side by side), then an atomic switch of <c>manifest.json</c>. The previous
/// generation keeps serving until the switch and stays on disk after it (readers may still hold it); older
/// ones are removed. A failed build leaves the directory as it was. One build at a time per directory.
/// </summary>
public static class IndexBuilder
{
    private const string SpillFolder = "spill";

    public static IndexManifest Build(
        IVectorSource source,
        string indexDirectory,
        IndexBuildOptions? options = null,
        IProgress<BuildProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new IndexBuildOptions();
        options.Validate();
        if (source.Count < 1)
        {
            throw new ArgumentException($"'{source.Name}' holds no vectors.", nameof(source));
        }

        Directory.CreateDirectory(indexDirectory);
        using FileStream buildLock = BuildLock.Acquire(indexDirectory);
        var clock = Stopwatch.StartNew();
        IndexManifest? previous = ReadPrevious(indexDirectory);
        long generation = NextGeneration(indexDirectory, previous);
        string generationFolder = ManifestStore.GenerationFolder(generation);
        string generationPath = Path.Combine(indexDirectory, generationFolder);
        string spillDirectory = Path.Combine(generationPath, SpillFolder);
        try
        {
            LshHasher hasher = BucketPartitioner.FitHasher(source, options, progress, cancellationToken);
            BucketPartitioner.Result partition = BucketPartitioner.Partition(source, hasher, spillDirectory, progress, cancellationToken);
            FieldSchema? schema = (source as IRecordSource)?.Schema;
            BucketManifest[] buckets = BuildBuckets(
                partition,
                schema,
                source.Dimensions,
                indexDirectory,
                generationFolder,
                options,
                progress,
                cancellationToken);
            Directory.Delete(spillDirectory, recursive: true);

            IndexManifest manifest = IndexManifest.ForGeneration(
                generation,
                hasher,
                buckets,
                BuildManifest.Of(source.Name, options, clock.Elapsed.TotalSeconds),
                previous) with { Schema = schema };
            ManifestStore.Write(indexDirectory, manifest);
            PruneGenerations(indexDirectory, keep: [generation, previous?.Generation ?? generation]);
            return manifest;
        }
        catch
        {
            TryDelete(generationPath);
            throw;
        }
    }

    /// <summary>Runs the bucket jobs, up to the build's threads at a time, largest first so the tail is short.</summary>
    private static BucketManifest[] BuildBuckets(
        BucketPartitioner.Result partition,
        FieldSchema? schema,
        int dimensions,
        string indexDirectory,
        string generationFolder,
        IndexBuildOptions options,
        IProgress<BuildProgress>? progress,
        CancellationToken cancellationToken)
    {
        int threads = options.EffectiveThreads;
        int jobs = Math.Min(threads, LshHasher.BucketCount);
        int innerThreads = Math.Max(1, threads / jobs);
        var results = new BucketManifest[LshHasher.BucketCount];
        int[] order = [.. Enumerable.Range(0, LshHasher.BucketCount).OrderByDescending(b => partition.Counts[b])];
        Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken }, bucket =>
        {
            results[bucket] = BucketBuilder.Build(
                bucket,
                partition.SpillFiles[bucket],
                partition.Total,
                dimensions,
                indexDirectory,
                generationFolder,
                options,
                innerThreads,
                progress,
                cancellationToken,
                schema);
            File.Delete(partition.SpillFiles[bucket]);
            File.Delete(FieldSpill.PathFor(partition.SpillFiles[bucket]));
        });
        return results;
    }

    /// <summary>The manifest being replaced; a corrupted one does not block the rebuild that repairs it.</summary>
    private static IndexManifest? ReadPrevious(string indexDirectory)
    {
        try
        {
            return ManifestStore.Exists(indexDirectory) ? ManifestStore.Read(indexDirectory) : null;
        }
        catch (IndexFormatException)
        {
            return null;
        }
    }

    /// <summary>One past the newest generation named by the manifest or present on disk (an abandoned build's folder is never reused).</summary>
    private static long NextGeneration(string indexDirectory, IndexManifest? previous)
    {
        long newest = previous?.Generation ?? 0;
        foreach (long generation in ExistingGenerations(indexDirectory))
        {
            newest = Math.Max(newest, generation);
        }

        return newest + 1;
    }

    private static IEnumerable<long> ExistingGenerations(string indexDirectory) =>
        Directory.EnumerateDirectories(indexDirectory, "gen-*")
            .Select(path => long.TryParse(Path.GetFileName(path)[4..], NumberStyles.None, CultureInfo.InvariantCulture, out long g) ? g : -1)
            .Where(g => g > 0);

    private static void PruneGenerations(string indexDirectory, long[] keep)
    {
        foreach (long generation in ExistingGenerations(indexDirectory).Where(g => !keep.Contains(g)).ToList())
        {
            TryDelete(Path.Combine(indexDirectory, ManifestStore.GenerationFolder(generation)));
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a folder still in use is removed by a later build.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
