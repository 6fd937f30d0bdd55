using System.Diagnostics;
using HyperdOrleans.Bench.Data;
using HyperdOrleans.Bench.Methods;
using HyperdOrleans.Bench.Report;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Bench;

/// <summary>Runs a suite: prepares each data set, runs each method on it, and writes the report after every data set.</summary>
public static class BenchRunner
{
    /// <summary>Runs <paramref name="options"/> and returns the folder the report was written to.</summary>
    public static string Run(BenchOptions options, TextWriter log)
    {
        Charts.EnsureFonts();
        string folder = Path.Combine(options.OutDirectory, options.Suite);
        var clock = Stopwatch.StartNew();
        var run = new BenchResults
        {
            Machine = MachineInfo.Current(),
            Suite = options.Suite,
            CommandLine = options.CommandLine,
            Commit = GitCommit(),
            StartedUtc = DateTimeOffset.UtcNow,
            Threads = options.Threads,
            Clock = options.Clock,
        };
        string loadAtStart = MachineInfo.LoadAverage();
        run.LoadAverage = $"{loadAtStart} at start";
        log.WriteLine($"suite {options.Suite}: {string.Join(", ", options.Datasets)}; methods {string.Join(", ", options.Methods)}; "
            + $"{options.Threads} threads; cache {options.CacheDirectory}");
        string? faissUnavailable = options.Methods.Contains(MethodNames.Faiss) ? FaissMethod.Unavailable(options) : null;
        if (faissUnavailable is not null)
        {
            run.Notes.Add($"FAISS skipped: {faissUnavailable}.");
        }

        BenchResults? earlier = null;
        string existing = Path.Combine(folder, ReportWriter.ResultsFile);
        if (options.Append && File.Exists(existing))
        {
            earlier = ReportWriter.Read(existing);
            log.WriteLine($"appending to {existing} ({earlier.Datasets.Count} data sets)");
        }

        if (options.PrepareOnly)
        {
            foreach (string name in options.Datasets)
            {
                using Dataset prepared = DatasetCatalog.Prepare(
                    name,
                    options.CacheDirectory,
                    options.QueriesFor(DatasetCatalog.CountOf(name)),
                    options.Threads,
                    log);
                log.WriteLine($"[{name}] ready: {prepared.Count:N0} rows, {prepared.QueryCount:N0} queries with ground truth");
            }

            return folder;
        }

        foreach (string name in options.Datasets)
        {
            using Dataset data = DatasetCatalog.Prepare(
                name,
                options.CacheDirectory,
                options.QueriesFor(DatasetCatalog.CountOf(name)),
                options.Threads,
                log);
            var result = new DatasetResult
            {
                Name = data.Name,
                Description = data.Description,
                Count = data.Count,
                Dimensions = data.Dimensions,
                Queries = data.QueryCount,
                GroundTruthK = Dataset.GroundTruthK,
            };
            run.Datasets.Add(result);
            bool peers = data.Count <= options.PeerMaxN;
            if (!peers)
            {
                result.Notes.Add($"USearch and FAISS skipped at N = {data.Count:N0} (above --peer-max-n {options.PeerMaxN:N0}): both hold the whole "
                    + $"index in memory.");
            }

            foreach (string method in options.Methods)
            {
                switch (method)
                {
                    case MethodNames.Engine:
                        new EngineMethod(options, data, result, log).Run(lsh: true);
                        break;
                    case MethodNames.EnginePerBucket:
                        new EngineMethod(options, data, result, log).Run(lsh: true, budget: ProbeBudget.PerBucket);
                        break;
                    case MethodNames.EngineNoLsh:
                        new EngineMethod(options, data, result, log).Run(lsh: false);
                        break;
                    case MethodNames.EngineRandomPlanes:
                        new EngineMethod(options, data, result, log).Run(lsh: true, planes: LshPlanes.Random);
                        break;
                    case MethodNames.EngineSq8:
                        new EngineMethod(options, data, result, log).Run(lsh: true, VectorStorage.Sq8);
                        break;
                    case MethodNames.Exact:
                        new ExactMethod(options, data, result, log).Run();
                        break;
                    case MethodNames.Cluster:
                        new ClusterMethod(options, data, result, log).Run();
                        break;
                    case MethodNames.USearch when peers:
                        Peer(result, method, log, () => new USearchMethod(options, data, result, log).Run());
                        break;
                    case MethodNames.Faiss when peers && faissUnavailable is null:
                        Peer(result, method, log, () => new FaissMethod(options, data, result, run, log).Run(TotalClusters(result, data.Count)));
                        break;
                }
            }

            run.Seconds = clock.Elapsed.TotalSeconds;
            run.LoadAverage = $"{loadAtStart} at start, {MachineInfo.LoadAverage()} after {name}";
            Save(run, earlier, options, folder);
            log.WriteLine($"[{name}] done; report in {Path.Combine(folder, ReportWriter.ReportFile)}");
        }

        run.Seconds = clock.Elapsed.TotalSeconds;
        Save(run, earlier, options, folder);
        return folder;
    }

    /// <summary>Writes the report: this run alone, or folded into the earlier results with --append.</summary>
    private static void Save(BenchResults run, BenchResults? earlier, BenchOptions options, string folder)
    {
        run.Stages.Clear();
        run.Stages.Add(RunStage.Of(run));
        ReportWriter.Write(earlier is null ? run : ResultsMerge.Merge(earlier, run, options.Methods), folder);
    }

    /// <summary>A peer that fails is reported, not fatal: the rest of a long run still counts.</summary>
    private static void Peer(DatasetResult result, string method, TextWriter log, Action run)
    {
        try
        {
            run();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or DllNotFoundException or EntryPointNotFoundException
            or System.ComponentModel.Win32Exception)
        {
            log.WriteLine($"  {method} failed: {e.Message}");
            result.Notes.Add($"{method} failed: {e.Message}");
        }
    }

    /// <summary>The engine's total clusters on this data set (what FAISS gets), else what the engine would choose.</summary>
    private static int TotalClusters(DatasetResult result, long count) =>
        result.Builds.FirstOrDefault(b => b.Method == MethodNames.EngineNoLsh)?.Clusters
        ?? result.Builds.FirstOrDefault(b => b.Method == MethodNames.Engine)?.Clusters
        ?? new IndexBuildOptions { Clusters = EngineMethod.ClustersPerBucket * 8 }.ClustersFor(count, count);

    private static string GitCommit()
    {
        try
        {
            string head = Git("rev-parse HEAD");
            string dirty = Git("status --porcelain --untracked-files=no");
            return string.IsNullOrEmpty(head) ? "unknown" : head + (dirty.Length > 0 ? " (with uncommitted changes)" : "");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (git not found)";
        }
    }

    private static string Git(string arguments)
    {
        var info = new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : "";
    }
}
