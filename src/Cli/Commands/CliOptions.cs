using System.CommandLine;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Cli.Commands;

/// <summary>
/// Options shared by several commands, with their defaults and range checks, so every command spells and
/// validates them the same way. Each call makes a new instance: an option belongs to one command.
/// </summary>
internal static class CliOptions
{
    public const int DefaultDimensions = 70;
    public const int DefaultSeed = 42;
    public const int DefaultK = 10;

    public static readonly string[] Kinds = ["uniform", "clustered"];

    public static readonly string[] StorageNames = ["f32", "sq8"];

    public static Option<string> Path(string name, string description, bool required = true) =>
        new(name) { Description = description, Required = required, HelpName = "path" };

    public static Option<string> Kind(string name, string description, bool required)
    {
        var option = new Option<string>(name) { Description = description, Required = required };
        option.AcceptOnlyFromAmong(Kinds);
        return option;
    }

    public static SyntheticKind ParseKind(string kind) => kind == "uniform" ? SyntheticKind.Uniform : SyntheticKind.Clustered;

    public static Option<string> Storage() => Choice(
        "--storage",
        "How the index stores vectors: f32 (float32 lists) or sq8 (also 8-bit codes, scanned first; the best candidates are re-ranked exactly from "
            + "float32).",
        StorageNames);

    public static readonly string[] LshPlaneNames = ["principal", "random"];

    public static Option<string> LshPlanes() => Choice(
        "--lsh-planes",
        "How the build chooses the 3 LSH hyperplanes: principal (the data's top principal directions: fewer neighbours cut apart) or random "
            + "(random-hyperplane LSH).",
        LshPlaneNames);

    public static LshPlanes ParseLshPlanes(string? planes) => planes == "random" ? Engine.Lsh.LshPlanes.Random : Engine.Lsh.LshPlanes.Principal;

    public static VectorStorage ParseStorage(string? storage) => storage == "sq8" ? VectorStorage.Sq8 : VectorStorage.Float32;

    public static string StorageName(VectorStorage storage) => storage == VectorStorage.Sq8 ? "sq8" : "f32";

    public static readonly string[] BudgetNames = ["shared", "per-bucket"];

    public static Option<string> Budget() => Choice(
        "--budget",
        "How a query's lsh-probes × nprobe clusters are spent: shared (the best of all its probed buckets' centroids ranked together) or per-bucket "
            + "(nprobe in each probed bucket).",
        BudgetNames);

    public static ProbeBudget ParseBudget(string? budget) => budget == "per-bucket" ? ProbeBudget.PerBucket : ProbeBudget.Shared;

    public static string BudgetName(ProbeBudget budget) => budget == ProbeBudget.PerBucket ? "per-bucket" : "shared";

    public static Option<int?> Rerank() =>
        AtLeast(
            new Option<int?>("--rerank")
            {
                Description = $"SQ8 indexes: candidates kept per probed bucket by code, as a multiple of k, then re-scored exactly (default "
                    + $"{SearchParameters.DefaultRerank}).",
            },
            1);

    public static Option<long> Count(string name, string description, bool required = true) =>
        AtLeast(new Option<long>(name) { Description = description, Required = required, HelpName = "count" }, 1);

    public static Option<int> Dimensions() =>
        AtLeast(new Option<int>("--dims") { Description = "Dimensions of each vector.", DefaultValueFactory = _ => DefaultDimensions }, 1);

    /// <summary>Only raw float32 files need it: .fvecs and .npy carry their dimensions.</summary>
    public static Option<int?> RawDimensions() =>
        AtLeast(
            new Option<int?>("--dims")
            {
                Description = "Dimensions of a raw float32 file (.fvecs and .npy carry their own; given for them, it is checked).",
            },
            1);

    public static Option<int> Seed() =>
        new("--seed")
        {
            Description = "Seed for everything random (data, LSH sample, k-means), for reproducible runs.",
            DefaultValueFactory = _ => DefaultSeed,
        };

    public static Option<int> Clusters() =>
        AtLeast(
            new Option<int>("--clusters")
            {
                Description = "Most k-means clusters per LSH bucket. Below it a bucket gets its share of 4·√N clusters for the whole index "
                    + "(FAISS's rule of thumb) and at least 100 vectors per cluster: at 20M rows every bucket reaches 1000, at 1M it gets 500.",
                DefaultValueFactory = _ => new IndexBuildOptions().Clusters,
            },
            1);

    public static Option<int> Threads() =>
        AtLeast(new Option<int>("--threads") { Description = "Worker threads (0: every core).", DefaultValueFactory = _ => 0 }, 0);

    public static Option<int> K() =>
        AtLeast(new Option<int>("--k") { Description = "Neighbours to return per query.", DefaultValueFactory = _ => DefaultK }, 1);

    public static Option<int?> LshProbes()
    {
        var option = new Option<int?>("--lsh-probes")
        {
            Description = $"LSH buckets probed per query, own bucket first (1..{LshHasher.BucketCount}; default: the index's, normally "
                + $"{SearchParameters.DefaultLshProbes}).",
        };
        option.Validators.Add(result =>
        {
            if (TryGet(result, out int? value) && value is int v && (v < 1 || v > LshHasher.BucketCount))
            {
                result.AddError($"--lsh-probes must be between 1 and {LshHasher.BucketCount}, got {v}.");
            }
        });
        return option;
    }

    public static Option<int?> NProbe() =>
        AtLeast(
            new Option<int?>("--nprobe")
            {
                Description = $"Clusters per probed bucket: a query scans lshProbes × nprobe clusters in all, the best of its probed buckets' "
                    + $"centroids ranked together (default: the index's, normally {SearchParameters.DefaultNProbe}).",
            },
            1);

    public static Option<int> LatencyQueries() =>
        AtLeast(
            new Option<int>("--latency-queries")
            {
                Description = "How many queries (from the start) to also send one at a time to measure latency (0: skip).",
                DefaultValueFactory = _ => 1000,
            },
            0);

    public const int DefaultBatch = 100;

    /// <summary>Cluster mode: how many queries one request carries.</summary>
    public static Option<int> Batch() =>
        AtLeast(
            new Option<int>("--batch")
            {
                Description = "With --cluster: queries per request (each client sends one batch, waits for its answer, sends the next).",
                DefaultValueFactory = _ => DefaultBatch,
            },
            1);

    /// <summary>Cluster mode: concurrent clients; bench accepts several counts and measures each.</summary>
    public static Option<int[]> Clients(int[] defaults, bool several)
    {
        var option = new Option<int[]>("--clients")
        {
            Description = "With --cluster: concurrent clients sending batches" + (several
                ? "; several counts (--clients 1 2 4) are measured one after another." : "."),
            DefaultValueFactory = _ => defaults,
            AllowMultipleArgumentsPerToken = true,
        };
        option.Validators.Add(result =>
        {
            if (TryGet(result, out int[]? values) && values is not null && (values.Length == 0 || values.Any(v => v is < 1 or > 256)))
            {
                result.AddError($"--clients must be between 1 and 256, got {string.Join(' ', values)}.");
            }
        });
        return option;
    }

    /// <summary>The index's defaults, overridden by whichever probes the user gave.</summary>
    public static SearchParameters Probes(
        SearchParameters defaults,
        int? lshProbes,
        int? nprobe,
        int? rerank = null,
        ProbeBudget budget = ProbeBudget.Shared) =>
        new(lshProbes ?? defaults.LshProbes, nprobe ?? defaults.NProbe, rerank ?? defaults.Rerank, budget);

    /// <summary>An option that takes one of <paramref name="names"/>, the first by default.</summary>
    private static Option<string> Choice(string name, string description, string[] names)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => names[0] };
        option.AcceptOnlyFromAmong(names);
        return option;
    }

    private static Option<T> AtLeast<T>(Option<T> option, long minimum)
    {
        option.Validators.Add(result =>
        {
            if (TryGet(result, out T? value) && value is not null
                && Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) < minimum)
            {
                result.AddError($"{option.Name} must be at least {minimum}, got {value}.");
            }
        });
        return option;
    }

    /// <summary>The option's value; false when it did not convert (the parser reports that error itself, so validators skip it).</summary>
    public static bool TryGet<T>(System.CommandLine.Parsing.OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
