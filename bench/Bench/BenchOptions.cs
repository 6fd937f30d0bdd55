using System.Globalization;
using HyperdOrleans.Engine.Tuning;

namespace HyperdOrleans.Bench;

/// <summary>Everything a run is told: which suite, data sets, methods and sizes. Immutable once parsed.</summary>
public sealed record BenchOptions
{
    public const string Usage = """
        HyperdOrleans benchmark: the engine (alone and through a cluster) against exact search, FAISS IVF-Flat and
        USearch HNSW.

        dotnet run --project bench/Bench -c Release -- --suite full|medium|smoke [options]

          --suite NAME            smoke (20k clustered, engine, engine-sq8, exact, cluster), medium (1M clustered
                                  + GloVe, every method), full (uniform 1M/5M/20M, clustered 1M/20M, GloVe;
                                  every method)
          --datasets A,B          override the suite's data sets: uniform-1m, uniform-5m, uniform-20m,
                                  clustered-1m, clustered-20m, clustered-20k, glove-100
          --methods A,B           override the suite's methods: engine, engine-nolsh, engine-random-planes,
                                  engine-sq8, exact, cluster, usearch, faiss
          --out DIR               report folder (default docs/benchmarks); the report goes to DIR/SUITE/
          --cache DIR             data, ground truth and indexes (default ~/.cache/hyperd/bench)
          --threads N             threads for every method (default: all cores)
          --queries N             queries per data set (default: suite's; ground truth is cached per count)
          --query-budget R        cap rows x queries per data set (full suite: 1e10, so 10k queries at 1M,
                                  2k at 5M, 500 at 20M); 0 for no cap
          --latency-queries N     queries timed one at a time for p50/p99 (default: suite's)
          --build-threads A,B     also build the engine index with these thread counts (build time vs jobs)
          --peer-max-n N          skip USearch and FAISS above N rows (default 5000000: memory of this machine)
          --reuse-indexes         reuse engine indexes already built in the cache (build figures then come
                                  from the earlier build's record)
          --append                merge this run into the suite's existing results.json instead of replacing
                                  it: the methods run now replace their own figures on the data sets run now;
                                  everything else (and each earlier run's command) is kept
          --prepare-only          make the data sets and their ground truth in the cache, then stop
          --python PATH           interpreter for bench/faiss_ivf.py (default /usr/bin/python3)
          --report-from FILE      re-render report.md and the charts from an existing results.json (no run)
          --clock wall|cpu        the speed the charts and tables rank by (default wall): cpu divides by the
                                  process's CPU time instead, for a machine shared with other work; both are
                                  always recorded
        """;

    public string Suite { get; init; } = "smoke";

    public IReadOnlyList<string> Datasets { get; init; } = [];

    public IReadOnlyList<string> Methods { get; init; } = [];

    public string OutDirectory { get; init; } = Path.Combine("docs", "benchmarks");

    public string CacheDirectory { get; init; } = DefaultCache();

    public int Threads { get; init; } = Environment.ProcessorCount;

    public int Queries { get; init; }

    /// <summary>
    /// Caps rows × queries per data set (0: no cap), so a 20M-row sweep does not run for hours: a set gets
    /// min(<see cref="Queries"/>, max(<see cref="MinQueries"/>, budget / rows)) queries.
    /// </summary>
    public long QueryBudget { get; init; }

    public int MinQueries { get; init; } = 500;

    public int LatencyQueries { get; init; }

    /// <summary>Queries for the course score's exact rank pass (it streams the base once per run of queries).</summary>
    public int CourseQueries { get; init; }

    /// <summary>Queries timed one at a time for exact search (a full scan each).</summary>
    public int ExactSingleQueries { get; init; }

    public IReadOnlyList<int> BuildThreads { get; init; } = [];

    public long PeerMaxN { get; init; } = 5_000_000;

    public bool ReuseIndexes { get; init; }

    /// <summary>Merge into the suite's existing results instead of replacing them (a full run in stages).</summary>
    public bool Append { get; init; }

    public bool PrepareOnly { get; init; }

    public string Python { get; init; } = "/usr/bin/python3";

    /// <summary>"wall" or "cpu": the speed the report ranks by (both are recorded).</summary>
    public string Clock { get; init; } = "wall";

    public IReadOnlyList<int> LshProbes { get; init; } = [1, 2, 3, 4, 5, 6, 7, 8];

    /// <summary>The tuner's grid: fine at small nprobe, where a well-clustered set reaches its target.</summary>
    public IReadOnlyList<int> NProbes { get; init; } = TuningOptions.DefaultNProbes;

    /// <summary>nprobe for single-bucket IVF (engine without LSH, FAISS): total clusters scanned, comparable to lshProbes × nprobe.</summary>
    public IReadOnlyList<int> FlatNProbes { get; init; } = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 100, 200, 300, 500, 900, 1200];

    public IReadOnlyList<int> EfSearch { get; init; } = [10, 16, 32, 64, 128, 256, 512];

    /// <summary>The cluster method's settings, (lshProbes, nprobe): each is a full measure through the client, so only a few.</summary>
    public IReadOnlyList<(int LshProbes, int NProbe)> ClusterSettings { get; init; } = [(2, 10), (6, 50), (8, 150)];

    /// <summary>The seed's two published settings, (lshProbes, nprobe), scored with the course score.</summary>
    public IReadOnlyList<(int LshProbes, int NProbe)> CourseSettings { get; init; } = [(6, 150), (6, 50)];

    /// <summary>The command line as given, for the report's header.</summary>
    public string CommandLine { get; init; } = "";

    public static string DefaultCache() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "hyperd", "bench");

    /// <summary>Parses arguments over the suite's defaults; throws <see cref="ArgumentException"/> with the bad option.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        string suite = "smoke";
        for (int i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == "--suite")
            {
                suite = args[i + 1];
            }
        }

        BenchOptions o = ForSuite(suite) with { CommandLine = "dotnet run --project bench/Bench -c Release -- " + string.Join(' ', args) };
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            o = name switch
            {
                "--suite" => o with { Suite = Value() },
                "--datasets" => o with { Datasets = List(Value()) },
                "--methods" => o with { Methods = List(Value()) },
                "--out" => o with { OutDirectory = Value() },
                "--cache" => o with { CacheDirectory = Value() },
                "--threads" => o with { Threads = Positive(name, Value()) },
                "--queries" => o with { Queries = Positive(name, Value()) },
                "--latency-queries" => o with { LatencyQueries = Positive(name, Value()) },
                "--build-threads" => o with { BuildThreads = [.. List(Value()).Select(v => Positive(name, v))] },
                "--peer-max-n" => o with { PeerMaxN = Positive(name, Value()) },
                "--query-budget" => o with { QueryBudget = (long)double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--reuse-indexes" => o with { ReuseIndexes = true },
                "--append" => o with { Append = true },
                "--prepare-only" => o with { PrepareOnly = true },
                "--python" => o with { Python = Value() },
                "--clock" => o with
                {
                    Clock = Value() is "wall" or "cpu" ? args[i] : throw new ArgumentException($"--clock must be wall or cpu, got '{args[i]}'."),
                },
                _ => throw new ArgumentException($"unknown option '{name}'."),
            };
        }

        foreach (string method in o.Methods)
        {
            if (!AllMethods.Contains(method))
            {
                throw new ArgumentException($"unknown method '{method}' (known: {string.Join(", ", AllMethods)}).");
            }
        }

        return o;
    }

    public static readonly string[] AllMethods = [
        MethodNames.Engine,
        MethodNames.EnginePerBucket,
        MethodNames.EngineNoLsh,
        MethodNames.EngineRandomPlanes,
        MethodNames.EngineSq8,
        MethodNames.Exact,
        MethodNames.Cluster,
        MethodNames.USearch,
        MethodNames.Faiss];

    public static BenchOptions ForSuite(string suite) => suite switch
    {
        "smoke" => new BenchOptions
        {
            Suite = suite,
            Datasets = ["clustered-20k"],
            Methods = [MethodNames.Engine, MethodNames.EngineSq8, MethodNames.Exact, MethodNames.Cluster],
            Queries = 200,
            LatencyQueries = 50,
            CourseQueries = 100,
            ExactSingleQueries = 20,
            LshProbes = [2, 6],
            NProbes = [2, 10],
            FlatNProbes = [10, 50],
            EfSearch = [16, 64],
            ClusterSettings = [(6, 10)],
            Threads = Math.Min(2, Environment.ProcessorCount),
        },
        "medium" => new BenchOptions
        {
            Suite = suite,
            Datasets = ["clustered-1m", "glove-100"],
            Methods = AllMethods,
            Queries = 2000,
            LatencyQueries = 300,
            CourseQueries = 500,
            ExactSingleQueries = 50,
        },
        "full" => new BenchOptions
        {
            Suite = suite,
            Datasets = ["uniform-1m", "uniform-5m", "uniform-20m", "clustered-1m", "clustered-20m", "glove-100"],
            Methods = AllMethods,
            Queries = 10_000,
            QueryBudget = 10_000_000_000,
            LatencyQueries = 1000,
            CourseQueries = 1000,
            ExactSingleQueries = 100,
            BuildThreads = [1, 2],
        },
        _ => throw new ArgumentException($"unknown suite '{suite}' (smoke, medium, full)."),
    };

    /// <summary>The queries a data set of <paramref name="rows"/> rows is measured with.</summary>
    public int QueriesFor(long rows) =>
        QueryBudget <= 0 ? Queries : (int)Math.Min(Queries, Math.Max(MinQueries, QueryBudget / rows));

    private static string[] List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new ArgumentException($"{name} must be a positive integer, got '{value}'.");
}

/// <summary>The method names used on the command line and in the report.</summary>
public static class MethodNames
{
    public const string Engine = "engine";
    public const string EnginePerBucket = "engine-per-bucket";
    public const string EngineNoLsh = "engine-nolsh";
    public const string EngineRandomPlanes = "engine-random-planes";
    public const string EngineSq8 = "engine-sq8";
    public const string Exact = "exact";
    public const string USearch = "usearch";
    public const string Faiss = "faiss";
    public const string Cluster = "cluster";
}
