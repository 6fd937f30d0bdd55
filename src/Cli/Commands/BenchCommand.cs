using System.CommandLine;
using HyperdOrleans.Cli.Cluster;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Work;

namespace HyperdOrleans.Cli.Commands;

/// <summary>
/// <c>hyperd bench</c>: one command from nothing to a result table — data (given or generated into a cache),
/// index (built if missing), the first second against steady state, timed index search and the exact baseline
/// (HyperdOrleans.Evaluation, the benchmark report's measuring core), recall. With <c>--cluster</c> the index is a
/// cluster's, measured with concurrent clients against the engine alone on the same files.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> input = CliOptions.Path("--input", "Base vectors (.fvecs, .npy, raw with --dims). Or use --generate.", required: false);
        Option<string> queries = CliOptions.Path("--queries", "Query vectors (required with --input).", required: false);
        Option<string> generate = CliOptions.Kind(
            "--generate",
            "Generate the data instead of --input: uniform or clustered, cached in --data-dir.",
            required: false);
        Option<long> n = CliOptions.Count("--n", "Base vectors to generate (with --generate).", required: false);
        Option<int?> queryCount = new("--query-count")
        {
            Description = $"Queries to generate (default {BenchRunner.DefaultGeneratedQueries}), or to take from the start of --queries (default "
                + $"all).",
        };
        Option<int?> dims = new("--dims")
        {
            Description = $"Dimensions of generated data (default {CliOptions.DefaultDimensions}) or of a raw --input.",
        };
        Option<string> dataDir = new("--data-dir")
        {
            Description = "Where generated data is cached.",
            DefaultValueFactory = _ => DatasetCache.DefaultFolder(),
            HelpName = "path",
        };
        Option<string> index = CliOptions.Path(
            "--index",
            "Index directory: built if it holds no index (or with --rebuild), otherwise reused. With --cluster: names the index and holds the "
                + "embedded silo's data.",
            required: false);
        Option<bool> rebuild = new("--rebuild") { Description = "Build the index even if one exists." };
        Option<int> clusters = CliOptions.Clusters();
        Option<int> seed = CliOptions.Seed();
        Option<int> k = CliOptions.K();
        Option<int?> lshProbes = CliOptions.LshProbes();
        Option<int?> nprobe = CliOptions.NProbe();
        Option<int?> rerank = CliOptions.Rerank();
        Option<string> budget = CliOptions.Budget();
        Option<string> storage = CliOptions.Storage();
        Option<int> threads = CliOptions.Threads();
        Option<int> latencyQueries = CliOptions.LatencyQueries();
        Option<int[]> clients = CliOptions.Clients([4], several: true);
        Option<int> batch = CliOptions.Batch();
        Option<int> rounds = new("--rounds")
        {
            Description = "With --cluster: timed rounds per client count and side (cluster, engine), alternating; the median is reported.",
            DefaultValueFactory = _ => 3,
        };
        Option<double> seconds = new("--seconds") { Description = "With --cluster: length of one timed round.", DefaultValueFactory = _ => 2.0 };
        Option<double?> targetRecall = new("--target-recall")
        {
            Description = "Before measuring, tune the index's default probes to the cheapest setting whose recall@k on held-out rows of the index "
                + "reaches this target "
                + "with a margin (as 'hyperd tune'; with --cluster, recorded in the cluster). Measured after the build, so the bench shows the "
                + "speed at that recall.",
        };
        Option<string?> engineIndex = new("--engine-index")
        {
            Description = "With --cluster: engine index directory holding the generation the cluster serves, for the engine-alone comparison "
                + "(default with an embedded silo: its store).",
            HelpName = "path",
        };
        ClusterOptionSet cluster = ClusterOptionSet.Create();
        foreach (Option<int?> positive in new[] { queryCount, dims })
        {
            positive.Validators.Add(result =>
            {
                if (CliOptions.TryGet(result, out int? bad) && bad < 1)
                {
                    result.AddError($"{positive.Name} must be at least 1, got {bad}.");
                }
            });
        }

        targetRecall.Validators.Add(result =>
        {
            if (CliOptions.TryGet(result, out double? value) && !(value is > 0 and <= 1))
            {
                result.AddError($"--target-recall must be more than 0 and at most 1, got {value}.");
            }
        });
        rounds.Validators.Add(result =>
        {
            if (CliOptions.TryGet(result, out int value) && value < 1)
            {
                result.AddError($"--rounds must be at least 1, got {value}.");
            }
        });
        seconds.Validators.Add(result =>
        {
            if (CliOptions.TryGet(result, out double value) && !(value is > 0 and <= 3600))
            {
                result.AddError($"--seconds must be more than 0 and at most 3600, got {value}.");
            }
        });

        var command = new Command(
            "bench",
            "Benchmark an index against exact search: recall, queries/s, speed-up, latency, first-second speed; with --cluster, the cluster against "
                + "the engine alone.")
        {
            input, queries, generate, n, queryCount, dims, dataDir, index, rebuild, clusters, seed, k, lshProbes, nprobe, threads, latencyQueries,
            rerank, budget, storage, clients, batch, rounds, seconds, targetRecall, engineIndex,
        };
        cluster.AddTo(command);
        command.Validators.Add(result =>
        {
            bool hasInput = result.GetResult(input) is not null;
            bool hasGenerate = result.GetResult(generate) is not null;
            if (hasInput == hasGenerate)
            {
                result.AddError("give either --input (with --queries) or --generate (with --n).");
            }
            else if (hasInput && result.GetResult(queries) is null)
            {
                result.AddError("--input needs --queries.");
            }
            else if (hasGenerate && result.GetResult(n) is null)
            {
                result.AddError("--generate needs --n (how many base vectors).");
            }
            else if (hasGenerate && result.GetResult(queries) is not null)
            {
                result.AddError("--generate makes its own queries; drop --queries (or use --input).");
            }
            else if (result.GetResult(targetRecall) is not null && (result.GetResult(lshProbes) is not null || result.GetResult(nprobe) is not null))
            {
                result.AddError("--target-recall chooses the probes: drop --lsh-probes and --nprobe.");
            }
        });

        command.SetGuardedAsyncAction(context, async (parsed, cancellationToken) =>
        {
            string? kind = parsed.GetValue(generate);
            ClusterChoice? choice = cluster.Resolve(parsed, parsed.GetValue(index), parsed.GetValue(engineIndex));
            var settings = new BenchSettings
            {
                Input = parsed.GetValue(input),
                Queries = parsed.GetValue(queries),
                Generate = kind is null ? null : CliOptions.ParseKind(kind),
                Count = parsed.GetValue(n),
                QueryCount = parsed.GetValue(queryCount),
                Dimensions = parsed.GetValue(dims),
                DataFolder = parsed.GetValue(dataDir)!,
                Index = choice is null ? ClusterOptionSet.RequireIndex(parsed.GetValue(index)) : parsed.GetValue(index) ?? string.Empty,
                Rebuild = parsed.GetValue(rebuild),
                Clusters = parsed.GetValue(clusters),
                Seed = parsed.GetValue(seed),
                K = parsed.GetValue(k),
                LshProbes = parsed.GetValue(lshProbes),
                NProbe = parsed.GetValue(nprobe),
                Rerank = parsed.GetValue(rerank),
                Budget = CliOptions.ParseBudget(parsed.GetValue(budget)),
                Storage = CliOptions.ParseStorage(parsed.GetValue(storage)),
                Threads = parsed.GetValue(threads),
                LatencyQueries = parsed.GetValue(latencyQueries),
                Batch = parsed.GetValue(batch),
                TargetRecall = parsed.GetValue(targetRecall),
            };
            if (choice is not null)
            {
                var clusterSettings = new ClusterBenchSettings(
                    choice,
                    [.. parsed.GetValue(clients)!.Distinct()],
                    parsed.GetValue(batch),
                    parsed.GetValue(rounds),
                    parsed.GetValue(seconds));
                ClusterBenchReport.Print(context, await ClusterBenchRunner.RunAsync(context, settings, clusterSettings, cancellationToken));
                return ExitCodes.Success;
            }

            BenchReport.Print(context, BenchRunner.Run(context, settings, cancellationToken));
            return ExitCodes.Success;
        });
        return command;
    }
}
